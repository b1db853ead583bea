package mimbla.chain;

/** One incoming transfer to an address, in the coin's atomic units. */
public record Transfer(String id, long amountAtomic, int confirmations) {}
