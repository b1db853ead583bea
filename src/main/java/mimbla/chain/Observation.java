package mimbla.chain;

import java.util.List;

/** What an address has received, transfer by transfer. */
public record Observation(List<Transfer> transfers) {
  public Observation {
    transfers = List.copyOf(transfers);
  }

  /** Everything seen, confirmed or not. */
  public long seenAtomic() {
    return transfers.stream().mapToLong(Transfer::amountAtomic).sum();
  }

  /** What has at least the required confirmations. */
  public long confirmedAtomic(int required) {
    return transfers.stream()
        .filter(transfer -> transfer.confirmations() >= required)
        .mapToLong(Transfer::amountAtomic)
        .sum();
  }

  /** The confirmations of the least-confirmed transfer: how far the whole payment has come. */
  public int confirmations() {
    return transfers.stream().mapToInt(Transfer::confirmations).min().orElse(0);
  }
}
