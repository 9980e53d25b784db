package igor.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and a server certificate it signed for 127.0.0.1 and
 * localhost, written as PEM files the way an operator would have them: {@code ca.pem}, {@code
 * server.pem} (the server's certificate then the CA's) and {@code server-key.pem} (PKCS#8, mode
 * 0600). A second, unrelated CA ({@code other-ca.pem}) is there to show that trust is checked.
 */
public record TestCertificates(Path dir, Path ca, Path otherCa, Path serverChain, Path serverKey) {

  public static TestCertificates create() {
    try {
      Path dir = Files.createTempDirectory("igor-tls-");
      KeyPair caKeys = keyPair();
      X509Certificate ca = caCertificate("Igor test CA", caKeys);
      KeyPair serverKeys = keyPair();
      X509Certificate server = serverCertificate(ca, caKeys.getPrivate(), serverKeys);
      KeyPair otherKeys = keyPair();
      X509Certificate other = caCertificate("Some other CA", otherKeys);
      TestCertificates files =
          new TestCertificates(
              dir,
              dir.resolve("ca.pem"),
              dir.resolve("other-ca.pem"),
              dir.resolve("server.pem"),
              dir.resolve("server-key.pem"));
      Files.writeString(files.ca(), pem(ca));
      Files.writeString(files.otherCa(), pem(other));
      Files.writeString(files.serverChain(), pem(server) + pem(ca));
      Files.writeString(
          files.serverKey(), pkcs8(new JcaPKCS8Generator(serverKeys.getPrivate(), null)));
      Files.setPosixFilePermissions(
          files.serverKey(), PosixFilePermissions.fromString("rw-------"));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server's key in the older PKCS#1 form ("BEGIN RSA PRIVATE KEY"). */
  public Path serverKeyAsPkcs1() throws IOException {
    Path file = dir.resolve("server-key-pkcs1.pem");
    String pkcs8 = Files.readString(serverKey);
    try (var parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pkcs8))) {
      var info = (org.bouncycastle.asn1.pkcs.PrivateKeyInfo) parser.readObject();
      PrivateKey key = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter().getPrivateKey(info);
      Files.writeString(file, pem(key));
    }
    return file;
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static X509Certificate caCertificate(String name, KeyPair keys)
      throws GeneralSecurityException,
          org.bouncycastle.operator.OperatorCreationException,
          IOException {
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            subject, serial(), notBefore(), notAfter(), subject, keys.getPublic());
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    builder.addExtension(
        Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    return sign(builder, keys.getPrivate());
  }

  private static X509Certificate serverCertificate(
      X509Certificate ca, PrivateKey caKey, KeyPair keys)
      throws GeneralSecurityException,
          org.bouncycastle.operator.OperatorCreationException,
          IOException {
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            ca, serial(), notBefore(), notAfter(), new X500Name("CN=localhost"), keys.getPublic());
    builder.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "localhost"),
              new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
    builder.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    return sign(builder, caKey);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key)));
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(System.nanoTime());
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(2)));
  }

  private static String pkcs8(JcaPKCS8Generator key) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(key);
    }
    return text.toString();
  }

  private static String pem(Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return text.toString();
  }
}
