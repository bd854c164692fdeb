package org.terroir.backend.remote.internal;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for one server: the system's trust store (with its host name check, done by the JDK), or, when the user
 * pinned a certificate, exactly that certificate (its SHA-256 over the DER encoding), self-signed or not. Either
 * way the fingerprint the server presented is remembered, so that a refusal can tell the user what to pin.
 */
final class PinningTrust extends X509ExtendedTrustManager {
    private final String pin;
    private final X509ExtendedTrustManager system;
    private volatile String presented;

    private PinningTrust(String pin, X509ExtendedTrustManager system) {
        this.pin = pin;
        this.system = system;
    }

    /** An SSL context trusting as described; {@code pin} null means the system's trust store. */
    static PinningTrust create(String pin) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            X509ExtendedTrustManager system = null;
            for (TrustManager tm : factory.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    system = x;
                }
            }
            return new PinningTrust(pin, system);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS trust manager in this Java", e);
        }
    }

    SSLContext context() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] { this }, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this Java", e);
        }
    }

    /** The SHA-256 fingerprint of the last certificate the server presented (hex, lower case), or null. */
    String presented() {
        return presented;
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean pinned(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no certificate");
        }
        presented = fingerprint(chain[0]);
        if (pin == null) {
            return false;
        }
        if (!MessageDigest.isEqual(pin.getBytes(), presented.getBytes())) {
            throw new CertificateException("certificate " + presented + " is not the pinned " + pin);
        }
        return true;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        if (!pinned(chain)) {
            system.checkServerTrusted(chain, authType, socket);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        if (!pinned(chain)) {
            system.checkServerTrusted(chain, authType, engine);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (!pinned(chain)) {
            ((X509TrustManager) system).checkServerTrusted(chain, authType);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pin == null ? system.getAcceptedIssuers() : new X509Certificate[0];
    }
}
