@file:Suppress("unused", "UNUSED_PARAMETER")

package android.content.res

import java.io.InputStream

class AssetManager private constructor() : AutoCloseable {
    /** Throws java.io.IOException. */
    fun open(fileName: String): InputStream = TODO()
    override fun close() {}
}
