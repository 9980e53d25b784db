package igor.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads a job's events straight from the journal table, as an auditor would. */
public final class Journal {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Journal() {}

  /** One journaled event: its type (simple name) and its JSON. */
  public record Entry(String type, JsonNode json) {}

  /** Payloads over 32 KiB are gzip-compressed by Pekko's Jackson serializer. */
  private static String text(byte[] payload) throws IOException {
    if (payload.length > 2 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b) {
      try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(payload))) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    return new String(payload, StandardCharsets.UTF_8);
  }

  public static List<Entry> events(TestDatabase db, String jobId) {
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
          entries.add(new Entry(type, JSON.readTree(text(rs.getBytes(2)))));
        }
      }
      return entries;
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("journal could not be read: " + e.getMessage(), e);
    }
  }
}
