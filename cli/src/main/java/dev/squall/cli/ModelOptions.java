package dev.squall.cli;

import dev.squall.api.Device;
import dev.squall.api.Devices;
import dev.squall.models.demo.DemoModel;
import dev.squall.models.gguf.GgufFile;
import dev.squall.models.gguf.GgufTensor;
import dev.squall.models.llama.DeviceLlama;
import dev.squall.models.llama.LanguageModel;
import dev.squall.models.llama.LlamaWeights;
import dev.squall.models.llama.ReferenceLlama;
import dev.squall.models.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/** Options shared by the commands that run a model: which file, which device, how. */
final class ModelOptions {

    /** Models at least this large page in with a progress bar before the first token. */
    private static final long PROGRESS_BYTES = 256L << 20;

    @CommandLine.Option(names = "--model", paramLabel = "GGUF",
            description = "GGUF model file (default: the embedded tiny-Shakespeare demo model).")
    Path model;

    @CommandLine.Option(names = "--device", paramLabel = "ID",
            description = "Device id from 'squall devices' (default: the best accelerator, else the JVM device 'java').")
    String device;

    @CommandLine.Option(names = "--context", paramLabel = "N",
            description = "Positions the KV cache holds (default: the model's context length, at most 4096).")
    Integer context;

    @CommandLine.Option(names = "--reference",
            description = "Run the plain-Java float32 reference forward pass instead of task graphs.")
    boolean reference;

    @CommandLine.Option(names = "--kernels", defaultValue = "auto", paramLabel = "FORMS",
            description = "Kernel forms: auto (work-group kernels on GPUs, loops elsewhere), loops or work-groups.")
    String kernels;

    /** A model ready to run: the file, its tokenizer and a forward pass; closing releases all of it. */
    record Loaded(GgufFile gguf, LlamaWeights weights, Tokenizer tokenizer, LanguageModel model, boolean demo)
            implements AutoCloseable {
        @Override
        public void close() {
            model.close();
            gguf.close();
        }
    }

    Loaded load(CommandLine cli) throws IOException {
        PrintWriter err = cli.getErr();
        boolean demo = model == null;
        if (!demo && !Files.isRegularFile(model)) {
            throw new CommandLine.ParameterException(cli, "no model file '" + model + "'");
        }
        DeviceLlama.KernelForms forms = switch (kernels) {
            case "auto" -> DeviceLlama.KernelForms.AUTO;
            case "loops" -> DeviceLlama.KernelForms.LOOPS;
            case "work-groups" -> DeviceLlama.KernelForms.WORK_GROUPS;
            default -> throw new CommandLine.ParameterException(cli, "--kernels must be auto, loops or work-groups, not '"
                    + kernels + "'");
        };
        GgufFile gguf = demo ? DemoModel.open() : GgufFile.open(model);
        try {
            LlamaWeights weights = LlamaWeights.load(gguf);
            Tokenizer tokenizer = Tokenizer.fromGguf(gguf.metadata());
            int positions = context != null ? context : Math.min(weights.config().contextLength(), 4096);
            if (positions <= 0 || positions > weights.config().contextLength()) {
                throw new CommandLine.ParameterException(cli, "--context must be in 1.." + weights.config().contextLength()
                        + " (the model's context length), not " + positions);
            }
            pageIn(gguf, err);
            LanguageModel lm = reference ? new ReferenceLlama(weights, positions)
                    : new DeviceLlama(weights, chooseDevice(err), positions, forms);
            if (lm instanceof DeviceLlama onDevice) {
                warmUp(onDevice, tokenizer, err);
            }
            return new Loaded(gguf, weights, tokenizer, lm, demo);
        } catch (RuntimeException e) {
            gguf.close();
            throw e;
        }
    }

    /**
     * Runs one token so that kernel compilation and the weights' trip to the device happen before
     * anything is timed, and says how long they took.
     */
    private static void warmUp(DeviceLlama model, Tokenizer tokenizer, PrintWriter err) {
        long start = System.nanoTime();
        try {
            model.forward(Math.max(0, tokenizer.bos()), 0);
        } finally {
            model.reset();
        }
        long released = model.releasedHostBytes();
        err.printf("%s: compiled the kernels and moved %s of weights in %.0f ms%s%n", model.device().id(),
                Format.bytes(model.weightBytes()), (System.nanoTime() - start) / 1e6,
                released > 0 ? "; freed the " + Format.bytes(released) + " of host memory their Q8_0 split took" : "");
        err.flush();
    }

    private Device chooseDevice(PrintWriter err) {
        if (device != null) {
            return Devices.get(device);
        }
        boolean accelerator = Devices.list().stream().anyMatch(d -> d.type() != dev.squall.api.DeviceType.JVM);
        if (!accelerator) {
            err.println("no accelerator found; running on the JVM device 'java' (see 'squall devices')");
            return Devices.get("java");
        }
        return Devices.best();
    }

    /** Reads a large model's pages in before the first token, with a progress bar on a terminal. */
    private static void pageIn(GgufFile gguf, PrintWriter err) {
        long total = gguf.contents().byteSize();
        if (total < PROGRESS_BYTES || gguf.path().isEmpty()) {
            return;
        }
        ProgressBar bar = new ProgressBar(err, "loading " + gguf.path().get().getFileName(), total);
        long done = 0;
        for (GgufTensor tensor : gguf.tensors()) {
            tensor.segment().load();
            done += tensor.segment().byteSize();
            bar.update(done);
        }
        bar.finish();
    }
}
