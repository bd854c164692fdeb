package org.terroir.backend.llamacpp.protocol;

/** What a worker process is started with, known to both sides. */
public final class Launch {
    /** The worker's main class. */
    public static final String MAIN_CLASS = "org.terroir.backend.llamacpp.worker.WorkerMain";
    /** Environment variable: the platform's loopback port. */
    public static final String PORT_ENV = "TERROIR_WORKER_PORT";
    /** Environment variable: the secret to present in the first message. */
    public static final String SECRET_ENV = "TERROIR_WORKER_SECRET";

    private Launch() {
    }
}
