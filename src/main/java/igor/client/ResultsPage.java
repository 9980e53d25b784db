package igor.client;

import java.util.List;

/**
 * One page of a layer's results: {@code next} is where the next page starts ({@link
 * IgorClient#resultsPage}), or null when this is the last.
 */
public record ResultsPage(List<LayerResult> results, String next) {
  public ResultsPage {
    results = results == null ? List.of() : List.copyOf(results);
  }
}
