using System.Security.Cryptography;
using System.Text;
using Vigil.Review.Actions;

namespace Vigil.Review.Tests;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("synthetic-test-secret-0123456789");
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"event_id":"e1","rule":"r"}""");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);

    [Fact]
    public void The_header_is_t_and_the_hex_HMAC_of_t_dot_body()
    {
        string header = WebhookSignature.Sign(Secret, 1_780_000_000, Body);
        string expected = Convert.ToHexStringLower(HMACSHA256.HashData(Secret, (byte[])[.. Encoding.ASCII.GetBytes("1780000000."), .. Body]));
        Assert.Equal($"t=1780000000,v1={expected}", header);
        Assert.True(WebhookSignature.Verify(header, Body, Secret, Now, WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void A_changed_body_another_secret_an_old_time_or_a_broken_header_is_refused_with_a_reason()
    {
        string header = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        var tolerance = TimeSpan.FromMinutes(5);
        byte[] changed = [.. Body];
        changed[^2] ^= 1;
        Assert.False(WebhookSignature.Verify(header, changed, Secret, Now, tolerance, out string? why));
        Assert.Contains("does not match", why);
        Assert.False(WebhookSignature.Verify(header, Body, Encoding.UTF8.GetBytes("another-synthetic-secret-000000"), Now, tolerance, out why));
        Assert.Contains("does not match", why);
        Assert.False(WebhookSignature.Verify(header, Body, Secret, Now.AddMinutes(6), tolerance, out why));
        Assert.Contains("tolerance", why);
        Assert.True(WebhookSignature.Verify(header, Body, Secret, Now.AddMinutes(-5), tolerance));
        foreach (string? broken in new[] { null, "", "v1=00", $"t=abc,{header.Split(',')[1]}", header.Split(',')[0], $"{header.Split(',')[0]},v1=zz" })
            Assert.False(WebhookSignature.Verify(broken, Body, Secret, Now, tolerance));
        // The time is signed: moving it breaks the HMAC.
        string moved = header.Replace($"t={Now.ToUnixTimeSeconds()}", $"t={Now.ToUnixTimeSeconds() + 1}");
        Assert.False(WebhookSignature.Verify(moved, Body, Secret, Now, tolerance));
    }

    [Fact]
    public void Several_v1_parts_verify_when_one_matches_as_while_a_secret_is_changed()
    {
        string header = WebhookSignature.Sign(Secret, Now.ToUnixTimeSeconds(), Body);
        string withOld = header + ",v1=" + new string('0', 64);
        Assert.True(WebhookSignature.Verify(withOld, Body, Secret, Now, WebhookSignature.DefaultTolerance));
    }
}
