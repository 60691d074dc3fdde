using Vigil.Exchanges.Clients.ThreatExchange;
using static Vigil.Exchanges.Tests.ThreatExchangeApi.TeFixture;

namespace Vigil.Exchanges.Tests.ThreatExchangeApi;

/// <summary>Where the access token comes from, and that nothing prints it.</summary>
public class ThreatExchangeCredentialsTests
{
    [Fact]
    public void A_token_splits_into_app_and_secret_and_prints_masked()
    {
        var credentials = new ThreatExchangeCredentials(" 1000000001%7Csynthetic-test-secret_0123456789 ");
        Assert.Equal(Token, credentials.AccessToken);
        Assert.Equal(MyApp, credentials.AppId);
        Assert.Equal("ThreatExchange app 1000000001|***", credentials.ToString());
        Assert.Equal("at 1000000001|*** and 1000000001|***", credentials.Redact($"at {Token} and {Uri.EscapeDataString(Token)}"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-bar-at-all-here")]
    [InlineData("abc|synthetic-secret-1")]
    [InlineData("123|short")]
    [InlineData("123|synthetic secret with spaces")]
    public void A_malformed_token_is_refused_without_repeating_it(string token)
    {
        var e = Assert.Throws<ArgumentException>(() => new ThreatExchangeCredentials(token));
        if (token.Length > 0)
            Assert.DoesNotContain(token, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_file_reads_access_token_and_names_the_file_not_the_contents_on_error()
    {
        string dir = Directory.CreateTempSubdirectory("vigil-te-").FullName;
        try
        {
            string good = Path.Combine(dir, "te.json");
            File.WriteAllText(good, $"{{\"access_token\": \"{Token}\"}}");
            Assert.Equal(MyApp, ThreatExchangeCredentials.FromFile(good).AppId);

            string wrongKey = Path.Combine(dir, "wrong.json");
            File.WriteAllText(wrongKey, $"{{\"token\": \"{Token}\"}}");
            var e = Assert.Throws<ArgumentException>(() => ThreatExchangeCredentials.FromFile(wrongKey));
            Assert.Contains("access_token", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);

            string broken = Path.Combine(dir, "broken.json");
            File.WriteAllText(broken, $"{{\"access_token\": \"{Token}\"");
            e = Assert.Throws<ArgumentException>(() => ThreatExchangeCredentials.FromFile(broken));
            Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);

            string badToken = Path.Combine(dir, "bad.json");
            File.WriteAllText(badToken, "{\"access_token\": \"x|synthetic-secret-value\"}");
            e = Assert.Throws<ArgumentException>(() => ThreatExchangeCredentials.FromFile(badToken));
            Assert.DoesNotContain("synthetic-secret-value", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void From_environment_reads_the_variable_or_gives_null()
    {
        string name = "VIGIL_TEST_TX_TOKEN_" + Guid.NewGuid().ToString("N");
        Assert.Null(ThreatExchangeCredentials.FromEnvironment(name));
        Environment.SetEnvironmentVariable(name, Token);
        try
        {
            Assert.Equal(MyApp, ThreatExchangeCredentials.FromEnvironment(name)!.AppId);
            Environment.SetEnvironmentVariable(name, "not a token");
            var e = Assert.Throws<ArgumentException>(() => ThreatExchangeCredentials.FromEnvironment(name));
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public void Options_refuse_what_cannot_work()
    {
        Assert.Throws<ArgumentException>(() => new ThreatExchangeOptions { PrivacyGroupId = "abc" }.Validate());
        Assert.Throws<ArgumentException>(() => new ThreatExchangeOptions { PrivacyGroupId = "1", PageSize = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new ThreatExchangeOptions { PrivacyGroupId = "1", ApiVersion = "v1/../x" }.Validate());
        Assert.Throws<ArgumentException>(() => new ThreatExchangeOptions { PrivacyGroupId = "1", BaseUrl = new Uri("ftp://example.invalid/") }.Validate());
        new ThreatExchangeOptions { PrivacyGroupId = "1" }.Validate();
    }
}
