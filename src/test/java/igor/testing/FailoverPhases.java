package igor.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Where the seconds of a failover went, read from the survivors' logs (each line starts with its
 * local time, HH:mm:ss.SSS, as logback.xml writes it): when the dead member was marked unreachable,
 * when the split-brain resolver decided, when the leader removed it, and when the dead node's jobs
 * recovered elsewhere; each in ms after the kill, the earliest over the logs (-1: no such line).
 */
public record FailoverPhases(
    long unreachableMs,
    long decidedMs,
    long removedMs,
    long firstRecoveredMs,
    long lastRecoveredMs) {

  /** Reads the phases of the crash of the member at {@code deadPort} killed at {@code killedAt}. */
  public static FailoverPhases read(List<Path> survivorLogs, int deadPort, long killedAtMillis) {
    String dead = "127.0.0.1:" + deadPort;
    List<Long> unreachable = new ArrayList<>();
    List<Long> decided = new ArrayList<>();
    List<Long> removed = new ArrayList<>();
    List<Long> recovered = new ArrayList<>();
    for (Path log : survivorLogs) {
      List<String> lines;
      try {
        lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + log, e);
      }
      for (String line : lines) {
        OptionalLong at = msAfter(line, killedAtMillis);
        if (at.isEmpty() || at.getAsLong() < 0) {
          continue;
        }
        String lower = line.toLowerCase(Locale.ROOT);
        if (lower.contains("unreachable") && lower.contains("marking") && line.contains(dead)) {
          unreachable.add(at.getAsLong());
        } else if (line.contains("SBR took decision") && line.contains(dead)) {
          decided.add(at.getAsLong());
        } else if (lower.contains("removing") && line.contains(dead)) {
          removed.add(at.getAsLong());
        } else if (line.contains("job recovered")) {
          recovered.add(at.getAsLong());
        }
      }
    }
    return new FailoverPhases(
        min(unreachable), min(decided), min(removed), min(recovered), max(recovered));
  }

  /** The line's time in ms after the kill, if the line starts with HH:mm:ss.SSS. */
  private static OptionalLong msAfter(String line, long killedAtMillis) {
    if (line.length() < 12 || line.charAt(2) != ':' || line.charAt(8) != '.') {
      return OptionalLong.empty();
    }
    try {
      ZoneId zone = ZoneId.systemDefault();
      LocalDate day = Instant.ofEpochMilli(killedAtMillis).atZone(zone).toLocalDate();
      long at =
          LocalTime.parse(line.substring(0, 12))
              .atDate(day)
              .atZone(zone)
              .toInstant()
              .toEpochMilli();
      return OptionalLong.of(at - killedAtMillis);
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static long min(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).min().orElse(-1);
  }

  private static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(-1);
  }

  @Override
  public String toString() {
    return String.format(
        "unreachable %d ms, resolver decided %d ms, removed %d ms, jobs recovered %d to %d ms"
            + " after the kill",
        unreachableMs, decidedMs, removedMs, firstRecoveredMs, lastRecoveredMs);
  }
}
