@file:Suppress("unused")

package android.content.pm

abstract class PackageManager {
    companion object {
        const val PERMISSION_GRANTED: Int = 0
        const val PERMISSION_DENIED: Int = -1
    }
}
