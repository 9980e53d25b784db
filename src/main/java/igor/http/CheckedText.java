package igor.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import igor.domain.Text;
import java.io.IOException;

/**
 * Reads every JSON string of a request body and refuses one that {@link Text} refuses (a NUL, a
 * lone surrogate, another C0 control character): the one check every text field of every body
 * passes, with the field named by the mapper's path.
 */
final class CheckedText extends StringDeserializer {
  /** A string value that is not acceptable text; its message says why, without the field. */
  static final class Refused extends JsonMappingException {
    Refused(JsonParser parser, String problem) {
      super(parser, problem);
    }
  }

  @Override
  public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    String text = super.deserialize(p, ctxt);
    var problem = Text.problem(text);
    if (problem.isPresent()) {
      throw new Refused(p, problem.get());
    }
    return text;
  }
}
