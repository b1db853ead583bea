package mimbla.net;

import java.net.UnknownHostException;

/**
 * A destination the address guard refused. It is an {@link UnknownHostException} so that OkHttp
 * treats it like a name that did not resolve, whether it is thrown by the name lookup or by the
 * socket's connect: no route is tried with it.
 */
final class AddressRefusedException extends UnknownHostException {
  private static final long serialVersionUID = 1L;

  AddressRefusedException(String message) {
    super(message);
  }
}
