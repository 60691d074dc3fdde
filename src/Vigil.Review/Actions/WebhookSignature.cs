using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Review.Actions;

/// <summary>
/// The signature on every webhook: the header <c>X-Vigil-Signature: t=UNIX,v1=HEX</c>, where HEX is
/// the lower-case hex of HMAC-SHA256(secret, <c>t + "." + body</c>) over the body's exact bytes and
/// <c>t</c> is the time of sending in whole seconds since 1970. A receiver checks it with
/// <c>Verify</c>: the same HMAC compared in constant time, and <c>t</c> within a tolerance of
/// its own clock so that a captured request cannot be replayed later.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header's name.</summary>
    public const string HeaderName = "X-Vigil-Signature";

    /// <summary>How far from the receiver's clock a signature's time may be by default (5 minutes).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header's value for <paramref name="body"/> sent at <paramref name="unixSeconds"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        string t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Convert.ToHexStringLower(Mac(secret, t, body))}";
    }

    /// <summary>
    /// Whether <paramref name="header"/> signs <paramref name="body"/> with <paramref name="secret"/> at a
    /// time within <paramref name="tolerance"/> of <paramref name="now"/>. Several <c>v1=</c> parts are
    /// allowed (one per secret while a secret is being changed); one matching is enough.
    /// </summary>
    public static bool Verify(string? header, ReadOnlySpan<byte> body, ReadOnlySpan<byte> secret, DateTimeOffset now, TimeSpan tolerance) =>
        Verify(header, body, secret, now, tolerance, out _);

    /// <summary>As <see cref="Verify(string?, ReadOnlySpan{byte}, ReadOnlySpan{byte}, DateTimeOffset, TimeSpan)"/>, saying why a signature is refused.</summary>
    public static bool Verify(string? header, ReadOnlySpan<byte> body, ReadOnlySpan<byte> secret, DateTimeOffset now, TimeSpan tolerance,
        [NotNullWhen(false)] out string? why)
    {
        if (string.IsNullOrEmpty(header))
        {
            why = $"no {HeaderName} header";
            return false;
        }
        string? t = null;
        var candidates = new List<byte[]>(1);
        foreach (string part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            int equals = part.IndexOf('=');
            if (equals <= 0)
                continue;
            string key = part[..equals], value = part[(equals + 1)..];
            if (key == "t")
                t = value;
            else if (key == "v1" && value.Length == 64 && TryHex(value, out byte[]? mac))
                candidates.Add(mac);
        }
        if (t is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds))
        {
            why = "the signature has no time (t=)";
            return false;
        }
        if (candidates.Count == 0)
        {
            why = "the signature has no v1= HMAC";
            return false;
        }
        long nowSeconds = now.ToUnixTimeSeconds();
        if (Math.Abs(nowSeconds - seconds) > (long)tolerance.TotalSeconds)
        {
            why = $"the signature's time is {nowSeconds - seconds} s from now, outside the tolerance of {(long)tolerance.TotalSeconds} s";
            return false;
        }
        byte[] expected = Mac(secret, t, body);
        bool any = false;
        foreach (byte[] candidate in candidates)
            any |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        why = any ? null : "the HMAC does not match (another secret, or a changed body)";
        return any;
    }

    private static byte[] Mac(ReadOnlySpan<byte> secret, string t, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(t + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }

    private static bool TryHex(string text, [NotNullWhen(true)] out byte[]? bytes)
    {
        try
        {
            bytes = Convert.FromHexString(text);
            return true;
        }
        catch (FormatException)
        {
            bytes = null;
            return false;
        }
    }
}
