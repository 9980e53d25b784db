package igor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class StatusTest {

  @Test
  void namesAreThoseOfTheWireFormat() {
    assertThat(Arrays.stream(Status.values()).map(Status::name))
        .containsExactly(
            "PENDING", "QUEUED", "RUNNING", "KILLED", "COMPLETED", "ERRORED", "SKIPPED");
  }

  @ParameterizedTest
  @EnumSource(Status.class)
  void parseIsCaseInsensitive(Status status) {
    String name = status.name();
    String mixed = name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);

    assertThat(Status.parse(name)).contains(status);
    assertThat(Status.parse(name.toLowerCase(Locale.ROOT))).contains(status);
    assertThat(Status.parse(mixed)).contains(status);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"DONE", "complete", "FAILED", "running!", "QUEUED,RUNNING", "0", "   "})
  void parseRejectsWhatIsNotAStatus(String text) {
    assertThat(Status.parse(text)).isEmpty();
  }

  @Test
  void finalStatusesAreCompletedErroredSkippedAndKilled() {
    assertThat(EnumSet.allOf(Status.class).stream().filter(Status::isFinal))
        .containsExactlyInAnyOrder(Status.COMPLETED, Status.ERRORED, Status.SKIPPED, Status.KILLED);
  }

  @Test
  void doneStatusesAreCompletedAndSkippedOnly() {
    assertThat(EnumSet.allOf(Status.class).stream().filter(Status::isDone))
        .containsExactlyInAnyOrder(Status.COMPLETED, Status.SKIPPED);
  }

  @Test
  void everyDoneStatusIsFinal() {
    for (Status status : Status.values()) {
      if (status.isDone()) {
        assertThat(status.isFinal()).as(status.name()).isTrue();
      }
    }
  }
}
