package igor.storage.jdbc;

import igor.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/** Work on one connection in one transaction, on the storage's executor. */
final class Transactions {
  private Transactions() {}

  /** What runs in the transaction. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction, committed when it returns and rolled back when it throws; a
   * database failure fails the answer with a {@link StorageUnavailableException} saying {@code
   * what} could not be done ("jobs could not be removed").
   */
  static <T> CompletionStage<T> inTransaction(
      DataSource dataSource, Executor executor, String what, Work<T> work) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
              T result = work.run(c);
              c.commit();
              return result;
            } catch (SQLException | RuntimeException e) {
              c.rollback();
              throw e;
            }
          } catch (SQLException e) {
            throw new StorageUnavailableException(what, e);
          }
        },
        executor);
  }
}
