package dev.squall.jit.frontend;

import dev.squall.api.KernelCompilationException;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeAnnotation;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.instruction.LocalVariable;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.reflect.Executable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One method's bytecode, ready for translation: instructions with their bytecode index and source
 * line, basic blocks with their edges, stack map frames at block starts, local variable names and
 * {@code @Parallel} ranges.
 */
final class MethodInfo {

    /** One instruction with where it is. */
    record Insn(Instruction instruction, int bci, int line) {
    }

    /** A bytecode basic block: instructions [start, end) of {@link #insns}. */
    record BBlock(int index, int start, int end, int bci, List<Integer> successors, List<Integer> predecessors) {
    }

    /** A slot holding a named Java variable over a bytecode range. */
    record LocalName(int slot, int startBci, int endBci, String name) {
    }

    /** A local marked {@code @Parallel} over a bytecode range. */
    record ParallelRange(int slot, int startBci, int endBci) {
    }

    final Class<?> owner;
    final Executable executable;
    final CodeAttribute code;
    final String name;
    final String descriptor;
    final boolean isStatic;
    final int maxLocals;
    final List<Insn> insns = new ArrayList<>();
    final List<BBlock> blocks = new ArrayList<>();
    final Map<Integer, StackMapFrameInfo> framesByBci = new HashMap<>();
    final List<LocalName> localNames = new ArrayList<>();
    final List<ParallelRange> parallelRanges = new ArrayList<>();
    private final Map<Integer, Integer> blockByBci = new HashMap<>();

    private MethodInfo(Class<?> owner, Executable executable, MethodModel method, CodeAttribute code) {
        this.owner = owner;
        this.executable = executable;
        this.code = code;
        this.name = method.methodName().stringValue();
        this.descriptor = method.methodType().stringValue();
        this.isStatic = method.flags().has(java.lang.reflect.AccessFlag.STATIC);
        this.maxLocals = code.maxLocals();
        readCode(code);
        readFrames(code);
        readParallelRanges(code);
        buildBlocks(code);
    }

    static MethodInfo of(Executable executable) {
        Class<?> owner = executable.getDeclaringClass();
        ClassModel model = ClassBytes.model(owner);
        String name = executable instanceof java.lang.reflect.Constructor<?> ? "<init>" : executable.getName();
        String descriptor = descriptorOf(executable);
        for (MethodModel m : model.methods()) {
            if (m.methodName().equalsString(name) && m.methodType().equalsString(descriptor)) {
                CodeModel code = m.code().orElseThrow(() -> new KernelCompilationException(owner.getName(), name, -1, 0,
                        "the method has no bytecode (abstract or native)"));
                return new MethodInfo(owner, executable, m, (CodeAttribute) code);
            }
        }
        throw new KernelCompilationException(owner.getName(), name, -1, 0, "method " + name + descriptor
                + " not found in the class file");
    }

    static String descriptorOf(Executable e) {
        StringBuilder d = new StringBuilder("(");
        for (Class<?> p : e.getParameterTypes()) {
            d.append(p.descriptorString());
        }
        d.append(')').append(e instanceof java.lang.reflect.Method m ? m.getReturnType().descriptorString() : "V");
        return d.toString();
    }

    private void readCode(CodeAttribute code) {
        int bci = 0;
        int line = -1;
        Map<Label, Integer> labels = new HashMap<>();
        List<ExceptionCatch> catches = new ArrayList<>();
        for (CodeElement e : code) {
            switch (e) {
                case Instruction i -> {
                    insns.add(new Insn(i, bci, line));
                    bci += i.sizeInBytes();
                }
                case LineNumber ln -> line = ln.line();
                case LabelTarget lt -> labels.put(lt.label(), bci);
                case LocalVariable lv -> localNames.add(new LocalName(lv.slot(), code.labelToBci(lv.startScope()),
                        code.labelToBci(lv.endScope()), lv.name().stringValue()));
                case ExceptionCatch ec -> catches.add(ec);
                default -> { }
            }
        }
        for (Insn i : insns) {
            if (i.instruction() instanceof java.lang.classfile.instruction.MonitorInstruction) {
                throw new KernelCompilationException(owner.getName(), name, i.line(), i.bci(),
                        "synchronizes on a monitor, which kernels cannot");
            }
        }
        if (!catches.isEmpty()) {
            int handler = code.labelToBci(catches.get(0).handler());
            throw new KernelCompilationException(owner.getName(), name, lineAt(handler), handler,
                    "try/catch or try/finally: kernels cannot catch exceptions");
        }
    }

    private int lineAt(int bci) {
        int line = -1;
        for (Insn i : insns) {
            if (i.bci() > bci) {
                break;
            }
            line = i.line();
        }
        return line;
    }

    private void readFrames(CodeAttribute code) {
        code.findAttribute(Attributes.stackMapTable()).ifPresent(table -> {
            for (StackMapFrameInfo frame : table.entries()) {
                framesByBci.put(code.labelToBci(frame.target()), frame);
            }
        });
    }

    private void readParallelRanges(CodeAttribute code) {
        code.findAttribute(Attributes.runtimeVisibleTypeAnnotations()).ifPresent(attr -> {
            for (TypeAnnotation ta : attr.annotations()) {
                if (!ta.annotation().classSymbol().descriptorString().equals("Ldev/squall/api/Parallel;")) {
                    continue;
                }
                if (ta.targetInfo() instanceof TypeAnnotation.LocalVarTarget target) {
                    for (TypeAnnotation.LocalVarTargetInfo info : target.table()) {
                        parallelRanges.add(new ParallelRange(info.index(), code.labelToBci(info.startLabel()),
                                code.labelToBci(info.endLabel())));
                    }
                }
            }
        });
    }

    private void buildBlocks(CodeAttribute code) {
        TreeSet<Integer> leaders = new TreeSet<>();
        leaders.add(0);
        for (int i = 0; i < insns.size(); i++) {
            Instruction ins = insns.get(i).instruction();
            List<Label> targets = targets(ins);
            for (Label t : targets) {
                leaders.add(code.labelToBci(t));
            }
            if ((!targets.isEmpty() || ins instanceof ReturnInstruction || ins instanceof ThrowInstruction)
                    && i + 1 < insns.size()) {
                leaders.add(insns.get(i + 1).bci());
            }
        }
        Map<Integer, Integer> insnIndexByBci = new HashMap<>();
        for (int i = 0; i < insns.size(); i++) {
            insnIndexByBci.put(insns.get(i).bci(), i);
        }
        List<Integer> starts = new ArrayList<>(leaders);
        for (int b = 0; b < starts.size(); b++) {
            blockByBci.put(starts.get(b), b);
        }
        for (int b = 0; b < starts.size(); b++) {
            int start = insnIndexByBci.get(starts.get(b));
            int end = b + 1 < starts.size() ? insnIndexByBci.get(starts.get(b + 1)) : insns.size();
            Instruction last = insns.get(end - 1).instruction();
            List<Integer> succs = new ArrayList<>();
            for (Label t : targets(last)) {
                int s = blockByBci.get(code.labelToBci(t));
                if (!succs.contains(s)) {
                    succs.add(s);
                }
            }
            boolean fallsThrough = !(last instanceof ReturnInstruction || last instanceof ThrowInstruction
                    || last instanceof TableSwitchInstruction || last instanceof LookupSwitchInstruction
                    || (last instanceof BranchInstruction br && (br.opcode() == Opcode.GOTO || br.opcode() == Opcode.GOTO_W)));
            if (fallsThrough && b + 1 < starts.size() && !succs.contains(b + 1)) {
                succs.add(0, b + 1);
            }
            blocks.add(new BBlock(b, start, end, starts.get(b), succs, new ArrayList<>()));
        }
        for (BBlock block : blocks) {
            for (int s : block.successors()) {
                blocks.get(s).predecessors().add(block.index());
            }
        }
    }

    private static List<Label> targets(Instruction ins) {
        return switch (ins) {
            case BranchInstruction br -> List.of(br.target());
            case TableSwitchInstruction ts -> {
                List<Label> l = new ArrayList<>();
                l.add(ts.defaultTarget());
                ts.cases().stream().map(SwitchCase::target).forEach(l::add);
                yield l;
            }
            case LookupSwitchInstruction ls -> {
                List<Label> l = new ArrayList<>();
                l.add(ls.defaultTarget());
                ls.cases().stream().map(SwitchCase::target).forEach(l::add);
                yield l;
            }
            default -> List.of();
        };
    }

    /** The block starting at this bytecode index. */
    int blockAt(int bci) {
        Integer b = blockByBci.get(bci);
        if (b == null) {
            throw new IllegalStateException("no block starts at bytecode index " + bci + " in " + name);
        }
        return b;
    }

    /** The Java name of a local slot at a bytecode index, or "". */
    String localName(int slot, int bci) {
        for (LocalName n : localNames) {
            if (n.slot() == slot && bci >= n.startBci() - 3 && bci < n.endBci()) {
                return n.name();
            }
        }
        return "";
    }

    /** Reverse postorder of the bytecode blocks from the entry. */
    List<Integer> reversePostorder() {
        List<Integer> post = new ArrayList<>();
        boolean[] seen = new boolean[blocks.size()];
        java.util.Deque<int[]> stack = new java.util.ArrayDeque<>();
        seen[0] = true;
        stack.push(new int[] {0, 0});
        while (!stack.isEmpty()) {
            int[] top = stack.peek();
            List<Integer> succs = blocks.get(top[0]).successors();
            if (top[1] < succs.size()) {
                // last successor first, so the fallthrough (a loop body, a then-branch) comes first in the order
                int s = succs.get(succs.size() - 1 - top[1]++);
                if (!seen[s]) {
                    seen[s] = true;
                    stack.push(new int[] {s, 0});
                }
            } else {
                post.add(top[0]);
                stack.pop();
            }
        }
        java.util.Collections.reverse(post);
        return post;
    }

    /** Binary class name of the owner, for messages. */
    String ownerName() {
        return owner.getName();
    }
}
