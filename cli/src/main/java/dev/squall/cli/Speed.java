package dev.squall.cli;

import dev.squall.models.generate.GenerationResult;
import java.util.Locale;

/** The speed line generate and chat end with. */
final class Speed {

    private Speed() {
    }

    static String describe(GenerationResult r) {
        return String.format(Locale.ROOT, "prefill: %d tokens in %.1f ms (%.1f tokens/s)%s; decode: %d tokens in %.1f ms"
                        + " (%.1f tokens/s); stopped: %s",
                r.promptTokens(), r.prefillNanos() / 1e6, r.prefillTokensPerSecond(),
                r.reusedTokens() > 0 ? ", " + r.reusedTokens() + " reused from the cache" : "",
                r.decodeSteps(), r.decodeNanos() / 1e6, r.decodeTokensPerSecond(),
                r.stop().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
}
