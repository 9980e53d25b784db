package igor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.storage.jdbc.JobJournal;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads a job's events straight from the journal table, as an auditor would. */
public final class Journal {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Journal() {}

  /** One journaled event: its type (simple name) and its JSON. */
  public record Entry(String type, JsonNode json) {}

  /**
   * A job's events in order, each batch of reports ({@code AttemptsReported}, ADR 0019) read as the
   * events it stands for ({@code TaskStarted}, {@code TaskCompleted}, ...: {@link
   * JobJournal#perReport}), as an auditor reads what happened; {@link #rows} has the rows.
   */
  public static List<Entry> events(TestDatabase db, String jobId) {
    return JobJournal.perReport(
            rows(db, jobId).stream().map(e -> new JobJournal.Entry(e.type(), e.json())).toList())
        .stream()
        .map(e -> new Entry(e.type(), e.json()))
        .toList();
  }

  /** A job's journal rows in order, as written: a batch of reports is one. */
  public static List<Entry> rows(TestDatabase db, String jobId) {
    String sql =
        "SELECT event_ser_manifest, event_payload FROM event_journal "
            + "WHERE persistence_id = ? ORDER BY sequence_number";
    List<Entry> entries = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, "Job|" + jobId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String manifest = rs.getString(1);
          String type = manifest.substring(manifest.lastIndexOf('$') + 1);
          entries.add(new Entry(type, JSON.readTree(JobJournal.payloadText(rs.getBytes(2)))));
        }
      }
      return entries;
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("journal could not be read: " + e.getMessage(), e);
    }
  }

  /** The attempts each task has events of this type for (e.g. "TaskCompleted"), by task id. */
  public static Map<String, List<Integer>> attemptsByTask(
      TestDatabase db, String jobId, String eventType) {
    Map<String, List<Integer>> attempts = new HashMap<>();
    for (Entry e : events(db, jobId)) {
      if (e.type().equals(eventType)) {
        attempts
            .computeIfAbsent(e.json().path("taskId").asText(), id -> new ArrayList<>())
            .add(e.json().path("attempt").asInt());
      }
    }
    return attempts;
  }

  /**
   * Events of this type in the whole journal (every job's), a batch of reports counted as the
   * events it stands for.
   */
  public static int countOf(TestDatabase db, String eventType) {
    String sql =
        "SELECT event_ser_manifest, event_payload FROM event_journal"
            + " WHERE event_ser_manifest LIKE ? OR event_ser_manifest LIKE '%$AttemptsReported'";
    int count = 0;
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, "%$" + eventType);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          for (String type : types(rs.getString(1), rs.getBytes(2))) {
            if (type.equals(eventType)) {
              count++;
            }
          }
        }
      }
      return count;
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("journal could not be read: " + e.getMessage(), e);
    }
  }

  /** The types of the events a row stands for: its own, or those of a batch of reports. */
  public static List<String> types(String manifest, byte[] payload) throws IOException {
    String type = manifest.substring(manifest.lastIndexOf('$') + 1);
    if (!type.equals("AttemptsReported")) {
      return List.of(type);
    }
    return JobJournal.perReport(
            List.of(new JobJournal.Entry(type, JSON.readTree(JobJournal.payloadText(payload)))))
        .stream()
        .map(JobJournal.Entry::type)
        .toList();
  }

  /** A journaled event's global ordering and type (simple name). */
  public record Ordered(long ordering, String type) {}

  /**
   * A job's events by ordering; a batch of reports gives one for each event it stands for, under
   * its ordering (as the event stream shows it).
   */
  public static List<Ordered> ordered(TestDatabase db, String jobId) {
    return query(
        db,
        "SELECT ordering, event_ser_manifest, event_payload FROM event_journal"
            + " WHERE persistence_id = ? ORDER BY ordering",
        "Job|" + jobId);
  }

  /** Every tagged event (every job's) after this ordering, by ordering, as {@link #ordered}. */
  public static List<Ordered> taggedAfter(TestDatabase db, long ordering) {
    return query(
        db,
        "SELECT j.ordering, j.event_ser_manifest, j.event_payload FROM event_journal j JOIN"
            + " event_tag t ON t.event_id = j.ordering WHERE j.ordering > ? ORDER BY j.ordering",
        ordering);
  }

  private static List<Ordered> query(TestDatabase db, String sql, Object param) {
    List<Ordered> rows = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setObject(1, param);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long ordering = rs.getLong(1);
          for (String type : types(rs.getString(2), rs.getBytes(3))) {
            rows.add(new Ordered(ordering, type));
          }
        }
      }
      return rows;
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("journal could not be read: " + e.getMessage(), e);
    }
  }
}
