package dev.squall.drivers.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squall.api.DeviceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CudaErrorsTest {

    /** cuda.h of an installed toolkit: $CUDA_HOME, $CUDA_PATH, /usr/local/cuda, then the newest /usr/local/cuda-*. */
    static Optional<Path> cudaHeader() {
        List<String> roots = new java.util.ArrayList<>();
        for (String variable : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                roots.add(value);
            }
        }
        roots.add("/usr/local/cuda");
        try (Stream<Path> versions = Files.list(Path.of("/usr/local"))) {
            versions.filter(p -> p.getFileName().toString().startsWith("cuda-"))
                    .sorted(java.util.Comparator.reverseOrder()).forEach(p -> roots.add(p.toString()));
        } catch (IOException e) {
            // no /usr/local: only the variables count
        }
        return roots.stream().map(r -> Path.of(r, "include", "cuda.h")).filter(Files::isRegularFile).findFirst();
    }

    /** Every enumerator of {@code enum cudaError_enum} in the header, name to value. */
    static Map<String, Integer> headerResults(Path header) throws IOException {
        String text = Files.readString(header);
        int start = text.indexOf("typedef enum cudaError_enum");
        int end = text.indexOf("} CUresult;", start);
        assertTrue(start >= 0 && end > start, "cuda.h has enum cudaError_enum: " + header);
        Matcher m = Pattern.compile("^\\s*(CUDA_[A-Z0-9_]+)\\s*=\\s*(\\d+)", Pattern.MULTILINE)
                .matcher(text.substring(start, end));
        Map<String, Integer> found = new LinkedHashMap<>();
        while (m.find()) {
            found.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return found;
    }

    @Test
    void tableCoversEveryResultOfTheHeader() throws IOException {
        Optional<Path> header = cudaHeader();
        Assumptions.assumeTrue(header.isPresent(), "no CUDA toolkit header (include/cuda.h under $CUDA_HOME,"
                + " $CUDA_PATH or /usr/local/cuda*), so the error table cannot be compared with it");
        Map<String, Integer> results = headerResults(header.get());
        assertTrue(results.size() >= 90, "parsed " + results.size() + " codes from " + header.get());
        for (Map.Entry<String, Integer> e : results.entrySet()) {
            assertEquals(e.getKey(), CudaErrors.name(e.getValue()), "code " + e.getValue() + " in " + header.get());
        }
        // and nothing in the table that the header does not have
        for (Map.Entry<Integer, String> e : CudaErrors.table().entrySet()) {
            assertEquals(e.getKey(), results.get(e.getValue()), e.getValue() + " is in " + header.get());
        }
    }

    @Test
    void namesAndDescriptions() {
        assertEquals("CUDA_SUCCESS", CudaErrors.name(0));
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", CudaErrors.name(2));
        assertEquals("CUDA_ERROR_NO_DEVICE (100)", CudaErrors.describe(100));
        assertEquals("CUDA_ERROR_INVALID_PTX", CudaErrors.name(218));
        assertEquals("CUDA_ERROR_STREAM_CAPTURE_INVALIDATED", CudaErrors.name(901));
        assertEquals("CUDA_ERROR_UNKNOWN", CudaErrors.name(999));
        assertEquals(CudaErrors.UNKNOWN, CudaErrors.name(12345));
        assertEquals(101, CudaErrors.table().size());
        DeviceException e = CudaErrors.failure("cuMemAlloc_v2", 2, "4096 bytes");
        assertEquals("cuMemAlloc_v2", e.apiCall());
        assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.errorName());
        assertEquals(2, e.errorCode());
        assertEquals("cuMemAlloc_v2 failed: CUDA_ERROR_OUT_OF_MEMORY (2)\n4096 bytes", e.getMessage());
    }

    @Test
    void constantsMatchTheHeader() throws IOException {
        Optional<Path> header = cudaHeader();
        Assumptions.assumeTrue(header.isPresent(), "no CUDA toolkit header to compare the constants with");
        String text = Files.readString(header.get());
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN", CU.DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
        expected.put("CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR", CU.DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        expected.put("CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE", CU.DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE);
        expected.put("CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH", CU.DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH);
        expected.put("CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR",
                CU.DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR);
        expected.put("CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT", CU.DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT);
        expected.put("CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES", CU.FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);
        expected.put("CU_FUNC_ATTRIBUTE_NUM_REGS", CU.FUNC_ATTRIBUTE_NUM_REGS);
        expected.put("CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES", CU.JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
        expected.put("CU_JIT_LOG_VERBOSE", CU.JIT_LOG_VERBOSE);
        expected.put("CU_JIT_WALL_TIME", CU.JIT_WALL_TIME);
        expected.put("CU_JIT_INPUT_PTX", CU.JIT_INPUT_PTX);
        expected.put("CU_STREAM_CAPTURE_MODE_THREAD_LOCAL", CU.STREAM_CAPTURE_MODE_THREAD_LOCAL);
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            Matcher m = Pattern.compile("\\b" + e.getKey() + "\\s*=\\s*(\\d+)").matcher(text);
            assertTrue(m.find(), e.getKey() + " in " + header.get());
            assertEquals(Integer.parseInt(m.group(1)), e.getValue(), e.getKey());
        }
    }
}
