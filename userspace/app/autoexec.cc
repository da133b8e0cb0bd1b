// libcurl fetch of autoexec.ipxe; see autoexec.h for the error mapping.
#include "userspace/app/autoexec.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "userspace/app/config_values.h"
#include "userspace/common/log.h"

namespace xdpxe::app {
namespace {

struct Sink {
  std::string data;
  uint64_t max_bytes;
  bool too_big = false;
};

size_t OnData(char* p, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t len = size * n;
  if (sink->data.size() + len > sink->max_bytes) {
    sink->too_big = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  sink->data.append(p, len);
  return len;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

absl::Status CurlError(const std::string& url, CURLcode code,
                       const char* detail, const FetchOptions& opts) {
  std::string what = detail[0] ? detail : curl_easy_strerror(code);
  std::string msg = absl::StrCat(url, ": ");
  switch (code) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return absl::InvalidArgumentError(
          absl::StrCat(msg, "bad URL (", what, ")"));
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return absl::UnavailableError(
          absl::StrCat(msg, "cannot resolve the host name (DNS: ", what, ")"));
    case CURLE_COULDNT_CONNECT:
      return absl::UnavailableError(
          absl::StrCat(msg, "cannot connect (", what, ")"));
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(absl::StrCat(
          msg, "timed out after ", absl::FormatDuration(opts.timeout)));
    case CURLE_FILESIZE_EXCEEDED:
      return absl::ResourceExhaustedError(
          absl::StrCat(msg, "too big (limit ", opts.max_bytes, " bytes)"));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
      return absl::FailedPreconditionError(
          absl::StrCat(msg, "TLS failed (", what, ")"));
    case CURLE_TOO_MANY_REDIRECTS:
      return absl::InvalidArgumentError(
          absl::StrCat(msg, "too many redirects"));
    default:
      return absl::UnavailableError(absl::StrCat(msg, what));
  }
}

}  // namespace

absl::StatusOr<std::string> FetchScript(const std::string& url,
                                        const FetchOptions& opts) {
  if (std::string err = CheckHttpUrl(url); !err.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(url, ": bad URL: ", err));
  }
  GlobalInit();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                           curl_easy_cleanup);
  if (!curl) return absl::InternalError("curl_easy_init failed");
  CURL* c = curl.get();
  Sink sink{"", opts.max_bytes};
  char errbuf[CURL_ERROR_SIZE] = "";
  long timeout_ms = static_cast<long>(absl::ToInt64Milliseconds(opts.timeout));
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 10000L));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(opts.max_bytes));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads; no SIGALRM for DNS
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");  // a gateway fetches directly
  curl_easy_setopt(c, CURLOPT_USERAGENT, "xdpxe");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  CURLcode rc = curl_easy_perform(c);
  if (sink.too_big) {
    return absl::ResourceExhaustedError(
        absl::StrCat(url, ": too big (more than ", opts.max_bytes, " bytes)"));
  }
  if (rc != CURLE_OK) return CurlError(url, rc, errbuf, opts);
  long http = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
  if (http != 200) {
    std::string msg = absl::StrCat(url, ": HTTP ", http);
    if (http == 404 || http == 410) {
      return absl::NotFoundError(absl::StrCat(msg, " (no such file)"));
    }
    if (http == 401 || http == 403) {
      return absl::PermissionDeniedError(absl::StrCat(msg, " (forbidden)"));
    }
    if (http >= 500) return absl::UnavailableError(msg);
    return absl::FailedPreconditionError(absl::StrCat(msg, " (expected 200)"));
  }
  if (absl::Status st = ValidateIpxeScript(sink.data, opts.max_bytes);
      !st.ok()) {
    return absl::Status(st.code(), absl::StrCat(url, ": ", st.message()));
  }
  return std::move(sink.data);
}

absl::StatusOr<ScriptInfo> FetchAndInstall(const std::string& url,
                                           const FetchOptions& opts,
                                           ScriptStore& store) {
  absl::StatusOr<std::string> text = FetchScript(url, opts);
  absl::StatusOr<ScriptInfo> info =
      text.ok() ? store.Install(*text, absl::StrCat("url=", url))
                : absl::StatusOr<ScriptInfo>(text.status());
  if (!info.ok()) {
    return absl::Status(info.status().code(),
                        absl::StrCat(info.status().message(),
                                     "; the live script is unchanged"));
  }
  return info;
}

bool IsRetryable(const absl::Status& st) {
  return absl::IsUnavailable(st) || absl::IsDeadlineExceeded(st);
}

absl::StatusOr<ScriptInfo> FetchAtStartup(const std::string& url,
                                          const FetchOptions& opts,
                                          const RetryPolicy& policy,
                                          ScriptStore& store) {
  absl::Duration backoff = policy.first_backoff;
  absl::Status last;
  for (int attempt = 1; attempt <= policy.max_attempts; ++attempt) {
    absl::StatusOr<ScriptInfo> info = FetchAndInstall(url, opts, store);
    if (info.ok()) {
      XDPXE_LOG(kInfo,
                "autoexec: live script fetched from %s sha256=%s (%d bytes)",
                url, info->sha256, info->size);
      return info;
    }
    last = info.status();
    if (!IsRetryable(last) || attempt == policy.max_attempts) break;
    XDPXE_LOG(kWarning, "autoexec: attempt %d/%d: %s; retrying in %s", attempt,
              policy.max_attempts, last.message(),
              absl::FormatDuration(backoff));
    policy.sleep(backoff);
    backoff = std::min(backoff * 2, policy.max_backoff);
  }
  XDPXE_LOG(kWarning, "autoexec: fetch failed: %s", last.message());
  absl::StatusOr<ScriptInfo> current = store.Current();
  if (!current.ok()) {
    XDPXE_LOG(kError,
              "autoexec: no persisted script in the state dir either; iPXE "
              "clients get no script until one is fetched or edited");
    return absl::NotFoundError(absl::StrCat(
        last.message(), "; no persisted autoexec.ipxe to fall back to"));
  }
  if (absl::Status st = store.Publish(); !st.ok()) {
    XDPXE_LOG(kWarning, "autoexec: publish: %s", st.message());
  }
  XDPXE_LOG(kInfo,
            "autoexec: live script is the persisted copy %s sha256=%s "
            "(%d bytes)",
            current->path, current->sha256, current->size);
  return current;
}

}  // namespace xdpxe::app
