using System.Runtime.InteropServices;

namespace Vigil.Privacy.Group;

/// <summary>
/// The few libsodium functions the group needs (Debian's <c>libsodium23</c>, 1.0.18 or later):
/// ristretto255 points and scalars. Initialised once, before the first call.
/// </summary>
internal static partial class Sodium
{
    private const string Library = "libsodium.so.23";
    private static readonly Lazy<bool> s_ready = new(() => sodium_init() >= 0, LazyThreadSafetyMode.ExecutionAndPublication);

    public const int PointBytes = 32;
    public const int ScalarBytes = 32;
    public const int HashBytes = 64;
    public const int NonReducedScalarBytes = 64;

    /// <summary>Initialises libsodium, or throws <see cref="PlatformNotSupportedException"/> naming the package to install.</summary>
    public static void EnsureReady()
    {
        bool ready;
        try
        {
            ready = s_ready.Value;
        }
        catch (DllNotFoundException e)
        {
            throw new PlatformNotSupportedException($"libsodium is not installed ({e.Message}); on Debian: apt-get install libsodium23", e);
        }
        if (!ready)
            throw new PlatformNotSupportedException("libsodium failed to initialise (sodium_init)");
    }

    [LibraryImport(Library)]
    private static partial int sodium_init();

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_is_valid_point(ReadOnlySpan<byte> p);

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_from_hash(Span<byte> p, ReadOnlySpan<byte> r);

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_add(Span<byte> r, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q);

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_sub(Span<byte> r, ReadOnlySpan<byte> p, ReadOnlySpan<byte> q);

    [LibraryImport(Library)]
    public static partial int crypto_scalarmult_ristretto255(Span<byte> q, ReadOnlySpan<byte> n, ReadOnlySpan<byte> p);

    [LibraryImport(Library)]
    public static partial int crypto_scalarmult_ristretto255_base(Span<byte> q, ReadOnlySpan<byte> n);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_random(Span<byte> r);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_reduce(Span<byte> r, ReadOnlySpan<byte> s);

    [LibraryImport(Library)]
    public static partial int crypto_core_ristretto255_scalar_invert(Span<byte> recip, ReadOnlySpan<byte> s);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_mul(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_negate(Span<byte> neg, ReadOnlySpan<byte> s);

    [LibraryImport(Library)]
    public static partial int crypto_sign_ed25519_seed_keypair(Span<byte> pk, Span<byte> sk, ReadOnlySpan<byte> seed);

    [LibraryImport(Library)]
    public static partial int crypto_sign_ed25519_detached(Span<byte> sig, out ulong siglen, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> sk);

    [LibraryImport(Library)]
    public static partial int crypto_sign_ed25519_verify_detached(ReadOnlySpan<byte> sig, ReadOnlySpan<byte> m, ulong mlen, ReadOnlySpan<byte> pk);

    [LibraryImport(Library)]
    public static partial void crypto_core_ristretto255_scalar_add(Span<byte> z, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y);
}
