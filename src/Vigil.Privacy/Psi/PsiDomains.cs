namespace Vigil.Privacy.Psi;

/// <summary>Domain-separation labels: every hash and key derivation in the protocol has its own.</summary>
internal static class PsiDomains
{
    /// <summary>H(y): a list entry or photo hash to the group.</summary>
    public static ReadOnlySpan<byte> HashToGroup => "vigil/psi/v1/hash-to-group"u8;

    /// <summary>The two cuckoo hash functions' slots.</summary>
    public static ReadOnlySpan<byte> CuckooSlot => "vigil/psi/v1/cuckoo-slot"u8;

    /// <summary>The key of an outer-layer ciphertext, from the shared group element.</summary>
    public static ReadOnlySpan<byte> OuterKey => "vigil/psi/v1/outer-key"u8;
}
