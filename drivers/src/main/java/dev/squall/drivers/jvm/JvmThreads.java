package dev.squall.drivers.jvm;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The JVM device's worker threads: daemon platform threads, so an idle pool never keeps the JVM alive. */
final class JvmThreads {

    private JvmThreads() {
    }

    static ExecutorService pool(int threads) {
        return Executors.newFixedThreadPool(Math.max(1, threads), Thread.ofPlatform().daemon().name("squall-jvm-", 0)
                .factory());
    }
}
