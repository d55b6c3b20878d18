// The verifier app: camera (CameraX) and UI (Compose) only. Verification,
// parsing and trust are the native library's (:healthcert).
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

val repoRoot: File = rootDir.parentFile
val trustAssetsDir: File = layout.buildDirectory.dir("generated/trustAssets").get().asFile
val trustServer: String = providers.gradleProperty("healthcert.trustServer").getOrElse("")

android {
    namespace = "org.healthcert.app"
    compileSdk = libs.versions.compileSdk.get().toInt()

    defaultConfig {
        applicationId = "org.healthcert.app"
        minSdk = libs.versions.minSdk.get().toInt()
        targetSdk = libs.versions.targetSdk.get().toInt()
        versionCode = 1
        versionName = "0.1.0"
        buildConfigField("String", "TRUST_SERVER", "\"$trustServer\"")
        // The ABIs the native library is built for (cargo-ndk in :healthcert).
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }
    buildTypes {
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"))
            // Signed with the debug key so that `assembleRelease` installs; use your own.
            signingConfig = signingConfigs.getByName("debug")
        }
    }
    buildFeatures {
        compose = true
        buildConfig = true
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets.getByName("main") { assets.srcDir(trustAssetsDir) }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

// The bundled trust snapshot: the repository's TEST list and its signing key,
// and the TEST rule service's signing key (business rules are synced).
val copyTrustAssets = tasks.register<Sync>("copyTrustAssets") {
    from(repoRoot.resolve("fixtures/trust/de")) {
        include("trustlist", "list-signing-key.pem")
        into("trust/de")
    }
    from(repoRoot.resolve("fixtures/trust/rules")) {
        include("signing-key.pem")
        into("trust/rules")
    }
    into(trustAssetsDir)
}
tasks.named("preBuild") { dependsOn(copyTrustAssets) }

dependencies {
    implementation(project(":healthcert"))
    implementation(platform(libs.compose.bom))
    implementation(libs.compose.ui)
    implementation(libs.compose.material3)
    implementation(libs.compose.ui.tooling.preview)
    debugImplementation(libs.compose.ui.tooling)
    implementation(libs.activity.compose)
    implementation(libs.lifecycle.viewmodel.compose)
    implementation(libs.lifecycle.runtime.compose)
    implementation(libs.navigation.compose)
    implementation(libs.camera.camera2)
    implementation(libs.camera.lifecycle)
    implementation(libs.camera.view)
    implementation(libs.datastore.preferences)
    implementation(libs.coroutines.android)
}
