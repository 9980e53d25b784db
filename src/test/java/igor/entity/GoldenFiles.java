package igor.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * The check of a persisted record against its golden file: written exactly as the file holds it,
 * under its class name as manifest, and read back equal. With {@code -Digor.golden.update=true} a
 * missing file is written first (never an existing one: events are forever).
 */
final class GoldenFiles {
  private GoldenFiles() {}

  static void assertWrittenAsGoldenFileAndReadBack(
      Serialization serialization, Path directory, String name, Object example) throws IOException {
    Serializer serializer = serialization.findSerializerFor(example);
    String manifest = Serializers.manifestFor(serializer, example);
    byte[] bytes = serializer.toBinary(example);
    Path golden = directory.resolve(name + ".json");
    if (Boolean.getBoolean("igor.golden.update") && !Files.exists(golden)) {
      Files.createDirectories(directory);
      Files.writeString(golden, new String(bytes, StandardCharsets.UTF_8));
    }

    assertThat(manifest).isEqualTo(example.getClass().getName());
    assertThat(golden).as("golden file of " + name).exists();
    byte[] stored = Files.readAllBytes(golden);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo(new String(stored, StandardCharsets.UTF_8));
    Object read = serialization.deserialize(stored, serializer.identifier(), manifest).get();
    assertThat(read).usingRecursiveComparison().isEqualTo(example);
  }
}
