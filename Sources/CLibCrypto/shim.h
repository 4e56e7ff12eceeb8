// OpenSSL's libcrypto: SHA-256 (the store keeps a digest of each session id and of each case file).
#include <openssl/sha.h>
// HMAC-SHA256 for the alerts' signatures (钉钉 robots, the generic webhook's X-Signature).
#include <openssl/hmac.h>
#include <openssl/evp.h>
