package igor.http;

import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.path;

import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * API v1's contract, {@code GET /api/v1/openapi.json}: the OpenAPI 3.1 document kept beside the
 * code (src/main/resources/igor/api/openapi.json) and checked against every route's real answers by
 * ApiContractTest, so that it cannot drift.
 */
final class ContractRoutes {
  static final String DOCUMENT = "igor/api/openapi.json";

  Route route() {
    return path(
        "openapi.json", () -> get(() -> getFromResource(DOCUMENT, ContentTypes.APPLICATION_JSON)));
  }
}
