package igor.http.auth;

/** Who made a request: the subject its token names, and the token's role. */
public record Principal(String subject, Role role) {

  /** The caller of an installation that runs open (no tokens configured). */
  public static final Principal ANONYMOUS = new Principal("anonymous", Role.ADMIN);
}
