package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

  @Test
  void newIdIsALowercaseVersion4UuidThatIsIdAccepts() {
    for (int i = 0; i < 100; i++) {
      String id = Identifiers.newId();

      assertThat(id).isLowerCase().hasSize(36);
      assertThat(Identifiers.isId(id)).as(id).isTrue();
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(uuid.toString()).isEqualTo(id);
    }
  }

  @Test
  void newIdsAreUnique() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(Identifiers.newId());
    }

    assertThat(ids).hasSize(10_000);
  }

  @Test
  void isIdAgreesWithTheLowercaseUuidPatternOnEveryOneCharacterChange() {
    Pattern lowercaseUuid =
        Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    String id = Identifiers.newId();
    int accepted = 0;
    for (int i = 0; i < id.length(); i++) {
      for (char c : "09afgAF-_ z/:`\u0660\uff10".toCharArray()) {
        String changed = id.substring(0, i) + c + id.substring(i + 1);

        boolean expected = lowercaseUuid.matcher(changed).matches();
        assertThat(Identifiers.isId(changed)).as(changed).isEqualTo(expected);
        accepted += expected ? 1 : 0;
      }
    }
    assertThat(accepted)
        .as("hex digits at hex places, dashes at dash places")
        .isEqualTo(32 * 4 + 4);
  }

  @Test
  void isIdRejectsUppercase() {
    String id = Identifiers.newId();
    String upper = id.toUpperCase(Locale.ROOT);
    String oneUpper = id.replaceFirst("[a-f]", "A");

    assertThat(Identifiers.isId(upper)).isFalse();
    assertThat(Identifiers.isId(oneUpper)).as(oneUpper).isFalse();
  }

  @Test
  void isIdRejectsMalformedText() {
    String id = Identifiers.newId();

    assertThat(Identifiers.isId(null)).isFalse();
    assertThat(Identifiers.isId("")).isFalse();
    assertThat(Identifiers.isId(id.replace("-", ""))).isFalse();
    assertThat(Identifiers.isId(id.substring(1))).isFalse();
    assertThat(Identifiers.isId(id + "0")).isFalse();
    assertThat(Identifiers.isId(" " + id)).isFalse();
    assertThat(Identifiers.isId(id + "\n")).isFalse();
    assertThat(Identifiers.isId("{" + id + "}")).isFalse();
    assertThat(Identifiers.isId("g" + id.substring(1))).isFalse();
    assertThat(Identifiers.isId("0000000-00000-0000-0000-000000000000")).isFalse();
    assertThat(Identifiers.isId("not-a-uuid")).isFalse();
  }

  @Test
  void isIdAcceptsAnyLowercaseUuid() {
    assertThat(Identifiers.isId("00000000-0000-0000-0000-000000000000")).isTrue();
    assertThat(Identifiers.isId("3f2504e0-4f89-11d3-9a0c-0305e82c3301")).isTrue();
  }

  @Test
  void etagChangesWithTheRevision() {
    String id = Identifiers.newId();
    Set<String> etags = new HashSet<>();

    for (long revision = 0; revision < 1_000; revision++) {
      etags.add(Identifiers.etag(id, revision));
    }

    assertThat(etags).hasSize(1_000).allMatch(Identifiers::isId);
  }

  @Test
  void etagIsStableForTheSameObjectAndRevision() {
    String id = Identifiers.newId();

    assertThat(Identifiers.etag(id, 7)).isEqualTo(Identifiers.etag(new String(id), 7));
  }

  @Test
  void etagDiffersBetweenObjectsAtTheSameRevision() {
    assertThat(Identifiers.etag(Identifiers.newId(), 1))
        .isNotEqualTo(Identifiers.etag(Identifiers.newId(), 1));
  }

  @Test
  void deliveryIdDiffersPerAttemptAndIsStableForOneAttempt() {
    String task = Identifiers.newId();

    assertThat(Identifiers.deliveryId(task, 1)).isNotEqualTo(Identifiers.deliveryId(task, 2));
    assertThat(Identifiers.deliveryId(task, 2)).isEqualTo(Identifiers.deliveryId(task, 2));
    assertThat(Identifiers.deliveryId(task, 1))
        .isNotEqualTo(Identifiers.deliveryId(Identifiers.newId(), 1));
    assertThat(Identifiers.isId(Identifiers.deliveryId(task, 1))).isTrue();
  }

  @Test
  void deliveryIdIsNotTheEtagOfTheSameNumbers() {
    String task = Identifiers.newId();

    assertThat(Identifiers.deliveryId(task, 3)).isNotEqualTo(Identifiers.etag(task, 3));
  }

  /**
   * Delivery ids and etags are persisted and handed to workers: they stay the JDK's name-based
   * UUIDs (version 3) of the same names, however they are computed, on any thread.
   */
  @Test
  void deliveryIdsAndEtagsAreTheJdksNameBasedUuidsOfTheirNames() {
    Runnable check =
        () -> {
          for (int i = 0; i < 2_000; i++) {
            String id = Identifiers.newId();
            int n = i % 7 == 0 ? Integer.MAX_VALUE - i : i;
            assertThat(Identifiers.deliveryId(id, n))
                .isEqualTo(nameBased("delivery/" + id + "/" + n));
            assertThat(Identifiers.etag(id, n)).isEqualTo(nameBased("etag/" + id + "/" + n));
          }
        };
    java.util.concurrent.CompletableFuture<Void> other =
        java.util.concurrent.CompletableFuture.runAsync(check);
    check.run();
    other.join();
    assertThat(Identifiers.deliveryId("00000000-0000-4000-8000-000000000003", 1))
        .isEqualTo(nameBased("delivery/00000000-0000-4000-8000-000000000003/1"));
  }

  private static String nameBased(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString();
  }
}
