package igor.entity;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.util.StdConverter;
import igor.domain.ReportedAttempt;
import igor.domain.ReportedAttempt.Outcome;

/**
 * The persisted form of the attempts in a {@code JobEvent.AttemptsReported}
 * (docs/adr/0019-one-event-per-report-batch.md): one entry per attempt of every finished task, so
 * short field names, each left out at its default, and the outcome as one letter. Registered in
 * pekko-serialization.conf; the golden file AttemptsReported.json shows the form.
 *
 * <pre>{"t":"task id","a":1,"s":true,"w":"worker","o":"c","m":"message","r":"base64","ra":0}</pre>
 */
public final class CompactAttempts extends SimpleModule {

  public CompactAttempts() {
    super("igor-compact-attempts");
    setMixInAnnotation(ReportedAttempt.class, Names.class);
  }

  @JsonInclude(JsonInclude.Include.NON_DEFAULT)
  abstract static class Names {
    @JsonProperty("t")
    abstract String taskId();

    @JsonProperty("a")
    abstract int attempt();

    @JsonProperty("s")
    abstract boolean started();

    @JsonProperty("w")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    abstract String worker();

    @JsonProperty("o")
    @JsonSerialize(converter = OutcomeToLetter.class)
    @JsonDeserialize(converter = LetterToOutcome.class)
    abstract Outcome outcome();

    @JsonProperty("m")
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    abstract String message();

    @JsonProperty("r")
    abstract byte[] result();

    @JsonProperty("ra")
    abstract long retryAt();
  }

  /** The persisted letters of the outcomes: never change one, add new ones. */
  static String letter(Outcome outcome) {
    return switch (outcome) {
      case COMPLETED -> "c";
      case FAILED -> "f";
      case SKIPPED -> "s";
      case WITHDRAWN -> "w";
    };
  }

  static final class OutcomeToLetter extends StdConverter<Outcome, String> {
    @Override
    public String convert(Outcome outcome) {
      return letter(outcome);
    }
  }

  static final class LetterToOutcome extends StdConverter<String, Outcome> {
    @Override
    public Outcome convert(String letter) {
      for (Outcome o : Outcome.values()) {
        if (letter(o).equals(letter)) {
          return o;
        }
      }
      throw new IllegalArgumentException("unknown outcome of an attempt: " + letter);
    }
  }
}
