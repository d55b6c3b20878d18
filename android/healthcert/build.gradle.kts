// The embeddable part: libhealthcert_ffi.so for every ABI (cargo-ndk), the
// Kotlin bindings generated from it (the workspace's uniffi-bindgen, Android
// flavour), JNA, and consumer keep rules for R8.
import javax.inject.Inject
import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

/** The Rust workspace: the parent of the Gradle root. */
val repoRoot: File = rootDir.parentFile
val cargoTarget: File = providers.gradleProperty("healthcert.cargoTargetDir")
    .orElse(providers.environmentVariable("CARGO_TARGET_DIR"))
    .map { File(it).absoluteFile }
    .getOrElse(repoRoot.resolve("target"))
val jniLibsDir: File = layout.buildDirectory.dir("generated/rust/jniLibs").get().asFile
val bindingsDir: File = layout.buildDirectory.dir("generated/uniffi/kotlin").get().asFile

android {
    namespace = "org.healthcert"
    compileSdk = libs.versions.compileSdk.get().toInt()
    ndkVersion = libs.versions.ndk.get()

    defaultConfig {
        minSdk = libs.versions.minSdk.get().toInt()
        consumerProguardFiles("proguard-rules.pro")
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets.getByName("main") {
        java.srcDir(bindingsDir)
        // The hand-written Kotlin shared with the JVM tests (HttpUrlConnectionTransport).
        java.srcDir(repoRoot.resolve("bindings/kotlin/src/main/kotlin"))
        jniLibs.srcDir(jniLibsDir)
    }
}

kotlin {
    compilerOptions { jvmTarget.set(JvmTarget.JVM_17) }
}

dependencies {
    // Artifact-only notation: the AAR carries libjnidispatch.so for every ABI.
    api("net.java.dev.jna:jna:${libs.versions.jna.get()}@aar")
    // The generated code: suspend functions (syncTrust) and the Android cleaner.
    implementation(libs.coroutines.android)
    implementation(libs.annotation)
}

/** Builds libhealthcert_ffi.so for [abis] with cargo-ndk into [jniLibs]/<abi>/. */
abstract class CargoNdk : DefaultTask() {
    @get:Inject abstract val exec: ExecOperations
    @get:Input abstract val abis: ListProperty<String>
    @get:InputFiles @get:PathSensitive(PathSensitivity.RELATIVE) abstract val sources: ConfigurableFileCollection
    @get:Internal abstract val workspace: DirectoryProperty
    @get:Internal abstract val cargoTargetDir: DirectoryProperty
    @get:Internal abstract val ndkDirectory: DirectoryProperty
    @get:OutputDirectory abstract val jniLibs: DirectoryProperty

    @TaskAction
    fun build() {
        val targets = abis.get().flatMap { listOf("-t", it) }
        exec.exec {
            workingDir = workspace.get().asFile
            environment("ANDROID_NDK_HOME", ndkDirectory.get().asFile.path)
            environment("CARGO_TARGET_DIR", cargoTargetDir.get().asFile.path)
            commandLine(
                listOf("cargo", "ndk") + targets +
                    listOf(
                        "-o", jniLibs.get().asFile.path, "build", "--profile", "release-ffi", "--locked",
                        // No built-in HTTP client: the app syncs through
                        // HttpUrlConnectionTransport (bindings/kotlin/src/main).
                        "--no-default-features", "-p", "healthcert-ffi",
                    ),
            )
        }
    }
}

/** Generates the Kotlin bindings from an (unstripped) built library with the workspace's uniffi-bindgen. */
abstract class UniffiBindgen : DefaultTask() {
    @get:Inject abstract val exec: ExecOperations
    @get:InputFile @get:PathSensitive(PathSensitivity.NONE) abstract val library: RegularFileProperty
    @get:InputFile @get:PathSensitive(PathSensitivity.NONE) abstract val config: RegularFileProperty
    @get:Internal abstract val workspace: DirectoryProperty
    @get:Internal abstract val cargoTargetDir: DirectoryProperty
    @get:OutputDirectory abstract val outDir: DirectoryProperty

    @TaskAction
    fun generate() {
        val out = outDir.get().asFile
        out.deleteRecursively()
        out.mkdirs()
        exec.exec {
            workingDir = workspace.get().asFile
            environment("CARGO_TARGET_DIR", cargoTargetDir.get().asFile.path)
            commandLine(
                "cargo", "run", "--quiet", "--locked", "-p", "uniffi-bindgen", "--",
                "generate", "--library", library.get().asFile.path, "--language", "kotlin", "--no-format",
                "--config", config.get().asFile.path, "--out-dir", out.path,
            )
        }
    }
}

val cargoNdk = tasks.register<CargoNdk>("cargoNdk") {
    group = "rust"
    description = "Builds libhealthcert_ffi.so for arm64-v8a, armeabi-v7a and x86_64 with cargo-ndk."
    abis.set(listOf("arm64-v8a", "armeabi-v7a", "x86_64"))
    sources.from(
        repoRoot.resolve("Cargo.toml"),
        repoRoot.resolve("Cargo.lock"),
        fileTree(repoRoot.resolve("rust-core")),
        fileTree(repoRoot.resolve("bindings/ffi")),
    )
    workspace.set(repoRoot)
    cargoTargetDir.set(cargoTarget)
    ndkDirectory.set(androidComponents.sdkComponents.ndkDirectory)
    jniLibs.set(jniLibsDir)
}

val uniffiBindgen = tasks.register<UniffiBindgen>("uniffiBindgen") {
    group = "rust"
    description = "Generates the Android flavour of the Kotlin bindings (package org.healthcert)."
    dependsOn(cargoNdk)
    // cargo-ndk may strip what it copies to jniLibs; generate from the
    // unstripped library in cargo's target dir (every ABI holds the same metadata).
    library.set(cargoTarget.resolve("aarch64-linux-android/release-ffi/libhealthcert_ffi.so"))
    config.set(layout.projectDirectory.file("uniffi-android.toml"))
    workspace.set(repoRoot)
    cargoTargetDir.set(cargoTarget)
    outDir.set(bindingsDir)
}

tasks.named("preBuild") { dependsOn(uniffiBindgen) }
