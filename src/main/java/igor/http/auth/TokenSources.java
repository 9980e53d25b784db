package igor.http.auth;

import igor.config.IgorSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Loads the tokens of {@code igor.auth}: from the setting (or IGOR_AUTH_TOKENS) and the file. */
public final class TokenSources {
  private TokenSources() {}

  public static Tokens load(IgorSettings.Auth settings) {
    List<String> entries = new ArrayList<>();
    if (!settings.tokens().isBlank()) {
      entries.addAll(Arrays.asList(settings.tokens().split(",")));
    }
    if (!settings.tokensFile().isBlank()) {
      try {
        entries.addAll(Files.readAllLines(Path.of(settings.tokensFile())));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "igor.auth.tokens-file " + settings.tokensFile() + " cannot be read: " + e.getMessage(),
            e);
      }
    }
    return Tokens.parse(entries);
  }
}
