package org.gridauth.certmanager.keys;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.gridauth.gsi.credential.KeyPairs;

/**
 * Researchers' key pairs made ahead of time (R-RA-10): an RSA key takes a CPU core for tens to hundreds of
 * milliseconds, and requests come in bursts (the start of a fiscal year, a training course), so one background
 * thread keeps up to {@code capacity} fresh pairs ready in memory, made while the service is idle. A request takes a
 * ready pair, or makes one itself when none is left, so a burst larger than the pool still works at the plain rate.
 * Pooled keys live only in this process's memory, each is handed out once, and they are dropped on close.
 */
public final class KeyPool implements Supplier<KeyPair>, AutoCloseable {

    private final BlockingQueue<KeyPair> ready;
    private final Supplier<KeyPair> maker;
    private final Thread filler;
    private final AtomicLong fromPool = new AtomicLong();
    private final AtomicLong madeInline = new AtomicLong();
    private volatile boolean closed;

    /** A pool of RSA keys of {@code bits}; capacity 0 makes every key on demand. */
    public static KeyPool rsa(int bits, int capacity) {
        SecureRandom random = new SecureRandom();
        return new KeyPool(() -> KeyPairs.rsa(bits, random), capacity);
    }

    public KeyPool(Supplier<KeyPair> maker, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("the key pool capacity must not be negative");
        }
        this.maker = maker;
        this.ready = new ArrayBlockingQueue<>(Math.max(1, capacity));
        if (capacity == 0) {
            this.filler = null;
            return;
        }
        this.filler = new Thread(this::fill, "cert-manager-key-pool");
        filler.setDaemon(true);
        // A hint only: Linux JVMs ignore Java priorities unless started with -XX:ThreadPriorityPolicy, so the one
        // filler thread competes with requests as an equal; keep key.pool small where CPU is short.
        filler.setPriority(Thread.MIN_PRIORITY);
        filler.start();
    }

    @Override
    public KeyPair get() {
        KeyPair pair = ready.poll();
        if (pair != null) {
            fromPool.incrementAndGet();
            return pair;
        }
        madeInline.incrementAndGet();
        return maker.get();
    }

    /** Pairs ready now. */
    public int available() {
        return filler == null ? 0 : ready.size();
    }

    /** Pairs handed out from the pool and made on demand, for the operators' metrics. */
    public long servedFromPool() {
        return fromPool.get();
    }

    public long madeOnDemand() {
        return madeInline.get();
    }

    private void fill() {
        while (!closed) {
            try {
                ready.put(maker.get());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // A failing generator is reported by the request that makes its own key; wait before trying again.
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (filler != null) {
            filler.interrupt();
        }
        ready.clear();
    }
}
