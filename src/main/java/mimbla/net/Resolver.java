package mimbla.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Turns a host name into addresses; tests put a fake in place of DNS. */
public interface Resolver {
  /**
   * Every address the name has.
   *
   * @throws UnknownHostException when the name has no addresses or cannot be looked up now
   */
  List<InetAddress> resolve(String name) throws UnknownHostException;

  /** The operating system's resolver: hosts file, DNS, whatever it is configured to ask. */
  static Resolver system() {
    return name -> List.of(InetAddress.getAllByName(name));
  }
}
