package igor.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import igor.client.Counts;
import igor.client.Job;
import igor.client.Layer;
import igor.client.Status;
import igor.client.Task;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Prints client results as JSON (the API's shape) or as aligned tables. */
final class Printer {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private final PrintWriter out;

  Printer(PrintWriter out) {
    this.out = out;
  }

  void json(Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write JSON", e);
    }
    out.flush();
  }

  void jobs(List<Job> jobs) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "STATUS", "NAME", "DONE", "CREATED"});
    for (Job j : jobs) {
      rows.add(
          new String[] {
            j.id(),
            status(j.status(), j.pausedAt()),
            j.name(),
            done(j.counts()),
            time(j.createdAt())
          });
    }
    table(rows);
  }

  void layers(List<Layer> layers) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "JOB", "STATUS", "PRIORITY", "NAME", "DONE"});
    for (Layer l : layers) {
      rows.add(
          new String[] {
            l.id(),
            l.jobId(),
            status(l.status(), l.pausedAt()),
            String.valueOf(l.priority()),
            l.name(),
            done(l.counts())
          });
    }
    table(rows);
  }

  void tasks(List<Task> tasks) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "LAYER", "STATUS", "TYPE", "NAME", "ATTEMPTS", "MESSAGE"});
    for (Task t : tasks) {
      rows.add(
          new String[] {
            t.id(),
            t.layerId(),
            status(t.status(), t.pausedAt()),
            t.type(),
            t.name(),
            String.valueOf(t.attempts()),
            t.message()
          });
    }
    table(rows);
  }

  /** A whole job: its line, then each layer with its tasks. */
  void job(Job job) {
    out.printf(
        "job %s  %s  %s  %s done%s%n",
        job.id(),
        status(job.status(), job.pausedAt()),
        quoted(job.name()),
        done(job.counts()),
        job.isWaitingToStart()
            ? "  starts at " + java.time.Instant.ofEpochSecond(job.startAt())
            : "");
    for (Layer l : job.layers()) {
      out.printf(
          "  layer %s  priority %d  %s  %s  %s done%n",
          l.id(),
          l.priority(),
          status(l.status(), l.pausedAt()),
          quoted(l.name()),
          done(l.counts()));
      for (Task t : l.tasks()) {
        out.printf(
            "    task %s  %s  %s%s%s%n",
            t.id(),
            status(t.status(), t.pausedAt()),
            t.type(),
            t.name().isEmpty() ? "" : "  " + quoted(t.name()),
            t.message().isEmpty() ? "" : "  " + t.message());
      }
    }
    out.flush();
  }

  void layer(Layer l) {
    out.printf(
        "layer %s  job %s  priority %d  %s  %s  %s done%n",
        l.id(),
        l.jobId(),
        l.priority(),
        status(l.status(), l.pausedAt()),
        quoted(l.name()),
        done(l.counts()));
    out.flush();
  }

  void task(Task t) {
    out.printf("task %s  job %s  layer %s%n", t.id(), t.jobId(), t.layerId());
    out.printf(
        "  status:   %s%n  type:     %s%n  name:     %s%n  attempts: %d (retries %d, timeout"
            + " %ds)%n",
        status(t.status(), t.pausedAt()),
        t.type(),
        t.name(),
        t.attempts(),
        t.retries(),
        t.timeout());
    out.printf("  message:  %s%n  result:   %s%n", t.message(), t.resultAsText());
    out.flush();
  }

  /** A progress bar of a job or layer: done of total, and the status. */
  static String bar(String label, Counts counts, Status status, int width) {
    int total = counts.total();
    int finished = counts.finished();
    int filled = total == 0 ? width : (int) Math.round((double) finished * width / total);
    return String.format(
        "%-20s [%s%s] %d/%d %s%s",
        truncate(label, 20),
        "#".repeat(filled),
        ".".repeat(width - filled),
        finished,
        total,
        status,
        counts.of(Status.ERRORED) > 0 ? " (" + counts.of(Status.ERRORED) + " errored)" : "");
  }

  void table(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i] == null ? 0 : row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String cell = row[i] == null ? "" : row[i];
        line.append(i == row.length - 1 ? cell : String.format("%-" + widths[i] + "s  ", cell));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  private static String status(Status status, long pausedAt) {
    return pausedAt > 0 ? status + " (paused)" : status.toString();
  }

  private static String done(Counts c) {
    return c.done() + "/" + c.total();
  }

  private static String quoted(String name) {
    return name.isEmpty() ? "-" : "\"" + name + "\"";
  }

  private static String time(long seconds) {
    return Instant.ofEpochSecond(seconds).toString();
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
