package igor.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS from the PEM files operators already have: a certificate chain and its PKCS#8 private key for
 * a server, CA certificates to trust for a client. Every problem is an {@link
 * IllegalArgumentException} naming the file and what to do, so a node refuses to start with a clear
 * message instead of a stack trace.
 */
public final class PemFiles {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  private static final char[] NO_PASSWORD = new char[0];

  private PemFiles() {}

  /** A server's TLS context: the certificate chain (leaf first) and the key of the leaf. */
  public static SSLContext serverContext(Path certificateChain, Path privateKey) {
    try {
      List<Certificate> chain = certificates(certificateChain);
      PrivateKey key = privateKey(privateKey);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("igor", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, new SecureRandom());
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "TLS certificate "
              + certificateChain
              + " and key "
              + privateKey
              + " do not make a server"
              + " identity: "
              + e.getMessage(),
          e);
    }
  }

  /** Trust in exactly the CA certificates of this file (instead of the JVM's default ones). */
  public static TrustManagerFactory trusting(Path caCertificates) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates(caCertificates)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      return trust;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException(
          "CA certificates " + caCertificates + " cannot be trusted: " + e.getMessage(), e);
    }
  }

  /** A client's TLS context trusting exactly the CA certificates of this file. */
  public static SSLContext clientContext(Path caCertificates) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trusting(caCertificates).getTrustManagers(), new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("no TLS client context: " + e.getMessage(), e);
    }
  }

  static List<Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<Certificate> certificates = new ArrayList<>();
    for (Block block : blocks(file)) {
      if (block.label().equals("CERTIFICATE")) {
        certificates.add(factory.generateCertificate(new ByteArrayInputStream(block.der())));
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException(
          file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  static PrivateKey privateKey(Path file) throws IOException {
    List<Block> blocks = blocks(file);
    for (Block block : blocks) {
      switch (block.label()) {
        case "PRIVATE KEY":
          return pkcs8(file, block.der());
        case "RSA PRIVATE KEY":
        case "EC PRIVATE KEY":
          throw new IllegalArgumentException(
              file
                  + " holds a "
                  + block.label()
                  + " (PKCS#1/SEC1); convert it to PKCS#8 with:"
                  + " openssl pkcs8 -topk8 -nocrypt -in "
                  + file
                  + " -out key.pem");
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException(
              file
                  + " holds an encrypted key; decrypt it with: openssl pkcs8 -topk8 -nocrypt -in "
                  + file
                  + " -out key.pem, and protect the file by its permissions");
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  private static PrivateKey pkcs8(Path file, byte[] der) {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException notThisOne) {
        // the next algorithm
      }
    }
    throw new IllegalArgumentException(file + ": the key is not an RSA, EC or EdDSA PKCS#8 key");
  }

  private record Block(String label, byte[] der) {}

  private static List<Block> blocks(Path file) throws IOException {
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(file + " does not exist or cannot be read");
    }
    String text = Files.readString(file, StandardCharsets.ISO_8859_1);
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
    }
    return blocks;
  }
}
