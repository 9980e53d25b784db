package igor.storage.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import igor.domain.JobEvent;
import igor.storage.StorageUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.sql.DataSource;

/**
 * Reads a job's events straight from the journal table as JSON, in order: for the benchmark's
 * timings and for people debugging a job. Not on any request path.
 */
public final class JobJournal {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads a batch of reports in its persisted form (ADR 0019) and writes single events. */
  private static final ObjectMapper BATCHES =
      new ObjectMapper().registerModule(new igor.entity.CompactAttempts());

  private final DataSource dataSource;

  JobJournal(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** One journaled event: its type (the simple name of its class) and its JSON. */
  public record Entry(String type, JsonNode json) {}

  /**
   * The entries with each batch of reports ({@code AttemptsReported}, ADR 0019) replaced by the
   * events it stands for ({@link JobEvent.AttemptsReported#each}: {@code TaskStarted}, {@code
   * TaskCompleted}, ...), each as JSON with the fields it had when it was journaled alone.
   */
  public static List<Entry> perReport(List<Entry> entries) {
    List<Entry> each = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      if (!e.type().equals(JobEvent.AttemptsReported.class.getSimpleName())) {
        each.add(e);
        continue;
      }
      try {
        JobEvent.AttemptsReported batch =
            BATCHES.treeToValue(e.json(), JobEvent.AttemptsReported.class);
        for (JobEvent single : batch.each()) {
          each.add(new Entry(single.getClass().getSimpleName(), BATCHES.valueToTree(single)));
        }
      } catch (IOException | IllegalArgumentException unreadable) {
        throw new StorageUnavailableException("a batch of reports could not be read", unreadable);
      }
    }
    return each;
  }

  public List<Entry> events(String jobId) {
    String sql =
        "SELECT event_ser_manifest, event_payload FROM event_journal"
            + " WHERE persistence_id = ? ORDER BY sequence_number";
    List<Entry> entries = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, "Job|" + jobId);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String manifest = rs.getString(1);
          entries.add(
              new Entry(
                  manifest.substring(manifest.lastIndexOf('$') + 1),
                  JSON.readTree(payloadText(rs.getBytes(2)))));
        }
      }
      return entries;
    } catch (SQLException | IOException e) {
      throw new StorageUnavailableException("the journal could not be read", e);
    }
  }

  /** The JSON of a stored payload: those over 32 KiB are gzipped by Pekko's Jackson serializer. */
  public static String payloadText(byte[] payload) throws IOException {
    if (payload.length > 2 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b) {
      try (var in = new GZIPInputStream(new ByteArrayInputStream(payload))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return new String(payload, StandardCharsets.UTF_8);
  }
}
