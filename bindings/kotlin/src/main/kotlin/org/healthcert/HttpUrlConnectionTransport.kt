// The platform's HTTP stack as the trust-sync transport, for Android and the
// JVM. On Android `HttpURLConnection` is OkHttp inside the platform, with the
// system's certificate store and proxy settings; the Rust library then needs
// no HTTP or TLS code of its own (its mobile build leaves them out).
//
// One GET, nothing else, and no redirects followed: the core enforces the URL
// policy on every redirect hop, retries, overall timeouts and budgets, body
// caps again, signatures and the atomic commit.
package org.healthcert

import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.SocketTimeoutException
import java.net.URI
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible

/** Performs the core's GET requests with [HttpURLConnection]. */
class HttpUrlConnectionTransport : HttpTransport {
    override suspend fun get(request: HttpRequest): HttpResponse =
        runInterruptible(Dispatchers.IO) { fetch(request) }

    private fun fetch(request: HttpRequest): HttpResponse {
        val cap = request.maxBodyBytes.coerceAtMost(Int.MAX_VALUE.toULong() - 1u).toLong()
        val connection = try {
            URI(request.url).toURL().openConnection() as HttpURLConnection
        } catch (e: Exception) {
            throw TransportException.Network("cannot open the URL: ${e.javaClass.simpleName}")
        }
        try {
            connection.connectTimeout = millis(request.connectTimeoutMs)
            connection.readTimeout = millis(request.timeoutMs)
            // The core follows redirects itself, checking every hop against
            // its URL policy (https only; http only to loopback literals;
            // never https to http): the 3xx and its Location go back as is.
            connection.instanceFollowRedirects = false
            connection.useCaches = false
            for (header in request.headers) connection.setRequestProperty(header.name, header.value)
            val status = connection.responseCode
            if (connection.contentLengthLong > cap) throw TransportException.TooLarge()
            val stream = if (status >= 400) connection.errorStream else connection.inputStream
            val body = stream?.use { readCapped(it, cap) } ?: ByteArray(0)
            val headers = connection.headerFields
                .filterKeys { it != null }
                .flatMap { (name, values) -> values.map { HttpHeader(name, it) } }
            return HttpResponse(status.toUShort(), headers, body)
        } catch (e: SocketTimeoutException) {
            throw TransportException.Timeout()
        } catch (e: IOException) {
            // The class names the failure; messages may quote server text.
            throw TransportException.Network(e.javaClass.simpleName)
        } finally {
            connection.disconnect()
        }
    }

    private fun millis(ms: ULong): Int = ms.coerceIn(1uL, Int.MAX_VALUE.toULong()).toInt()

    /** The whole stream, failing past [cap] bytes without reading on. */
    private fun readCapped(stream: InputStream, cap: Long): ByteArray {
        val out = java.io.ByteArrayOutputStream()
        val buffer = ByteArray(64 * 1024)
        while (true) {
            val n = stream.read(buffer)
            if (n < 0) return out.toByteArray()
            if (out.size().toLong() + n > cap) throw TransportException.TooLarge()
            out.write(buffer, 0, n)
        }
    }
}
