package mimbla.rates;

import java.util.List;
import mimbla.chain.Crypto;

/** A source of crypto prices. Called from the refresh thread only, never from a request. */
interface RatesProvider {
  /** Fetches current prices for the given cryptos in every supported fiat currency. */
  RateSnapshot fetch(List<Crypto> cryptos) throws RatesFetchException;

  String name();
}
