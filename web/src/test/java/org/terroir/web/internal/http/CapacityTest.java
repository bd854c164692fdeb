package org.terroir.web.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class CapacityTest {
    @Test
    void beyondTheSlotsAndTheQueueRequestsGet503() throws Exception {
        Capacity capacity = new Capacity(1, 1, TimeUnit.MINUTES.toMillis(1));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Capacity.Slot held = capacity.acquire()) {
            CountDownLatch queued = new CountDownLatch(1);
            Future<?> waiter = pool.submit(() -> {
                queued.countDown();
                try (Capacity.Slot s = capacity.acquire()) {
                    return null;
                }
            });
            queued.await();
            while (capacity.waiting() == 0) {
                Thread.sleep(5);
            }
            ApiError busy = assertThrows(ApiError.class, capacity::acquire, "the queue is full");
            assertEquals(503, busy.status());
            assertEquals("server_busy", busy.code());
            held.close();
            waiter.get(1, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        try (Capacity.Slot again = capacity.acquire()) {
            assertEquals(0, capacity.waiting(), "a released slot serves the next request");
        }
    }

    @Test
    void aWaitThatTimesOutIs503() {
        Capacity capacity = new Capacity(1, 5, 10);
        try (Capacity.Slot held = capacity.acquire()) {
            assertEquals(503, assertThrows(ApiError.class, capacity::acquire).status());
        }
    }
}
