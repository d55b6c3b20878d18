@file:Suppress("unused", "UNUSED_PARAMETER")

package androidx.camera.core.resolutionselector

import android.util.Size

class ResolutionSelector private constructor() {
    class Builder {
        fun setResolutionStrategy(resolutionStrategy: ResolutionStrategy): Builder = this
        fun build(): ResolutionSelector = TODO()
    }
}

class ResolutionStrategy(boundSize: Size, fallbackRule: Int) {
    companion object {
        const val FALLBACK_RULE_NONE: Int = 0
        const val FALLBACK_RULE_CLOSEST_HIGHER_THEN_LOWER: Int = 1
        const val FALLBACK_RULE_CLOSEST_HIGHER: Int = 2
        const val FALLBACK_RULE_CLOSEST_LOWER_THEN_HIGHER: Int = 3
        const val FALLBACK_RULE_CLOSEST_LOWER: Int = 4
    }
}
