@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.core.content

import android.content.Context
import java.util.concurrent.Executor

open class ContextCompat protected constructor() {
    companion object {
        /** PackageManager.PERMISSION_GRANTED or PERMISSION_DENIED. */
        @JvmStatic fun checkSelfPermission(context: Context, permission: String): Int = TODO()
        @JvmStatic fun getMainExecutor(context: Context): Executor = TODO()
    }
}
