namespace Vigil.Review.Evidence;

/// <summary>
/// Wraps and unwraps the evidence vault's per-item data keys with a master key that never leaves
/// it: a key file (<see cref="IKeyWrapper"/>) or, behind this same interface, a KMS or HSM.
/// </summary>
public interface IKeyWrapper
{
    /// <summary>The id of the master key new data keys are wrapped with (stored beside each item).</summary>
    string KeyId { get; }

    /// <summary>Wraps a 32-byte data key.</summary>
    byte[] Wrap(ReadOnlySpan<byte> dataKey);

    /// <summary>Unwraps a data key wrapped by the master key <paramref name="keyId"/>.</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The key id is unknown or the wrapped key was altered.</exception>
    byte[] Unwrap(string keyId, ReadOnlySpan<byte> wrapped);
}
