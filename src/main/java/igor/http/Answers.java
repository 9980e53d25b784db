package igor.http;

import igor.domain.Rejection;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** Turns the answer of a job into HTTP: 200 with its view, the rejection, or the failure. */
final class Answers extends AllDirectives {
  private static final Answers INSTANCE = new Answers();

  private Answers() {}

  static <T> Route of(
      CompletionStage<T> answer, Function<T, Rejection> rejection, Function<T, Object> view) {
    return INSTANCE.onComplete(
        answer,
        done -> {
          if (done.isFailure()) {
            return INSTANCE.complete(ApiErrors.of(done.failed().get()));
          }
          T result = done.get();
          Rejection refused = rejection.apply(result);
          if (refused != null) {
            return INSTANCE.complete(ApiErrors.of(refused));
          }
          return INSTANCE.complete(ApiJson.response(200, view.apply(result)));
        });
  }
}
