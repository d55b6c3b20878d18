// The platform's HTTP stack as the trust-sync transport, for iOS and macOS:
// URLSession, with the system's certificate store, proxies and App Transport
// Security. The Rust library then needs no HTTP or TLS code of its own (its
// mobile build leaves them out).
//
// One GET, nothing else, and no redirects followed: the core enforces the URL
// policy on every redirect hop, retries, overall timeouts and budgets, body
// caps again, signatures and the atomic commit.
import Foundation

/// Performs the core's GET requests with `URLSession`.
public final class URLSessionTransport: HttpTransport {
    private let session: URLSession

    /// A transport over an ephemeral session (no cookies, no disk cache).
    public init(configuration: URLSessionConfiguration = .ephemeral) {
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    public func get(request: HttpRequest) async throws -> HttpResponse {
        guard let url = URL(string: request.url) else {
            throw TransportError.Network(reason: "not a URL")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.timeoutInterval = TimeInterval(request.timeoutMs) / 1000
        for header in request.headers {
            urlRequest.setValue(header.value, forHTTPHeaderField: header.name)
        }
        let cap = request.maxBodyBytes
        do {
            // The task delegate too: the session's alone is not consulted by
            // every OS version for the async API.
            let (bytes, response) = try await session.bytes(for: urlRequest, delegate: NoRedirects())
            guard let http = response as? HTTPURLResponse else {
                throw TransportError.Network(reason: "not an HTTP response")
            }
            if http.expectedContentLength > 0 && UInt64(http.expectedContentLength) > cap {
                throw TransportError.TooLarge
            }
            var body = Data()
            for try await byte in bytes {
                if UInt64(body.count) >= cap {
                    throw TransportError.TooLarge
                }
                body.append(byte)
            }
            var headers: [HttpHeader] = []
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String {
                    headers.append(HttpHeader(name: name, value: value))
                }
            }
            return HttpResponse(status: UInt16(clamping: http.statusCode), headers: headers, body: body)
        } catch let error as TransportError {
            throw error
        } catch let error as URLError where error.code == .timedOut {
            throw TransportError.Timeout
        } catch let error as URLError {
            // The code names the failure; descriptions may quote server text.
            throw TransportError.Network(reason: "URLError \(error.code.rawValue)")
        }
    }
}

/// Refuses every redirect: completing with `nil` delivers the 3xx response
/// (with its `Location`) to the core, which follows it itself after checking
/// the hop against its URL policy (https only; plain http only to loopback
/// literals; never https to http).
private final class NoRedirects: NSObject, URLSessionTaskDelegate {
    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
