package org.terroir.backend.llamacpp.worker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

import org.terroir.backend.llamacpp.protocol.Channel;
import org.terroir.backend.llamacpp.protocol.Launch;
import org.terroir.backend.llamacpp.protocol.Message;

/**
 * Entry point of a worker process: one per loaded model. It connects back to the platform on the loopback
 * port it was given, proves who it is with the secret it was given (both in its environment, so that they
 * never show in a process list), then serves requests until told to stop or until the platform goes away.
 * stdout and stderr belong to llama.cpp's logs; protocol traffic only uses the socket.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) {
        ignoreInterrupts();
        int status = 0;
        try {
            String port = System.getenv(Launch.PORT_ENV);
            String secret = System.getenv(Launch.SECRET_ENV);
            if (port == null || secret == null) {
                System.err.println("terroir worker: " + Launch.PORT_ENV + " and " + Launch.SECRET_ENV + " must be set");
                Runtime.getRuntime().halt(2);
            }
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(port));
            socket.setTcpNoDelay(true);
            Channel channel = new Channel(socket.getInputStream(), socket.getOutputStream(), socket);
            channel.send(new Message.Hello(secret, Message.VERSION, ProcessHandle.current().pid()));
            new Worker(channel).serve();
        } catch (IOException | RuntimeException e) {
            System.err.println("terroir worker: " + e);
            status = 1;
        }
        System.out.flush();
        System.err.flush();
        // llama.cpp keeps a native thread attached to the JVM and its close() can hang: leave without either.
        Runtime.getRuntime().halt(status);
    }

    /**
     * Ctrl-C in a terminal interrupts every process of the foreground group, this worker included: the person meant
     * to stop an answer (the platform cancels it), not to kill the model mid-token, which crashed it. The platform
     * ends a worker with a Shutdown message, or by killing it; SIGINT is not one of those ways.
     */
    private static void ignoreInterrupts() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            System.err.println("terroir worker: cannot ignore SIGINT here: " + e.getMessage());
        }
    }
}
