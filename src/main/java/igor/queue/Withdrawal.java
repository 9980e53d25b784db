package igor.queue;

/** An attempt Igor no longer wants: its delivery id and the type queue it was handed to. */
public record Withdrawal(String deliveryId, String type) {}
