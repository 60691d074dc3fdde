using Vigil.Reporting.Client;
using Vigil.Testing;

namespace Vigil.Reporting.Tests;

public sealed class ClientOptionsTests
{
    private static readonly CyberTiplineCredentials s_credentials = new("esp", "pw");

    [Fact]
    public void The_test_environment_is_the_default_and_production_needs_an_explicit_opt_in()
    {
        using (var client = new CyberTiplineClient(new CyberTiplineClientOptions { Credentials = s_credentials }))
            Assert.Equal(CyberTiplineEnvironments.Test, client.BaseAddress);
        var e = Assert.Throws<InvalidOperationException>(() => new CyberTiplineClient(new CyberTiplineClientOptions { BaseAddress = CyberTiplineEnvironments.Production, Credentials = s_credentials }));
        Assert.Contains("AllowProduction", e.Message);
        using var production = new CyberTiplineClient(new CyberTiplineClientOptions { BaseAddress = CyberTiplineEnvironments.Production, AllowProduction = true, Credentials = s_credentials });
        Assert.Equal("https://report.cybertip.org/ispws/", production.BaseAddress.AbsoluteUri);
    }

    [Fact]
    public void Credentials_never_go_over_plain_http_to_another_machine()
    {
        Assert.Throws<ArgumentException>(() => new CyberTiplineClient(new CyberTiplineClientOptions { BaseAddress = new Uri("http://cybertip.example.com/ispws/"), Credentials = s_credentials }));
        using var local = new CyberTiplineClient(new CyberTiplineClientOptions { BaseAddress = new Uri("http://127.0.0.1:9/ispws"), Credentials = s_credentials });
        Assert.Equal("http://127.0.0.1:9/ispws/", local.BaseAddress.AbsoluteUri);
    }

    [Fact]
    public void The_environment_wins_over_the_configuration_and_a_password_comes_from_a_file_or_the_environment()
    {
        using var dir = new TempDirectory();
        string file = dir.File("password");
        File.WriteAllText(file, "from-file\n");
        var env = new Dictionary<string, string?>();
        var fromFile = CyberTiplineClientOptions.Resolve(k => env.GetValueOrDefault(k), user: "cfg-user", passwordFile: file);
        Assert.Equal(CyberTiplineEnvironments.Test, fromFile.BaseAddress);
        Assert.Equal("cfg-user", fromFile.Credentials.User);
        Assert.Equal("from-file", fromFile.Credentials.Password);

        env[CyberTiplineClientOptions.UrlVariable] = "http://127.0.0.1:5999/ispws/";
        env[CyberTiplineClientOptions.UserVariable] = "env-user";
        env[CyberTiplineClientOptions.PasswordVariable] = "from-env";
        var fromEnv = CyberTiplineClientOptions.Resolve(k => env.GetValueOrDefault(k), baseAddress: CyberTiplineEnvironments.Production, user: "cfg-user", passwordFile: file);
        Assert.Equal("http://127.0.0.1:5999/ispws/", fromEnv.BaseAddress.AbsoluteUri);
        Assert.Equal(("env-user", "from-env"), (fromEnv.Credentials.User, fromEnv.Credentials.Password));

        var none = Assert.Throws<ArgumentException>(() => CyberTiplineClientOptions.Resolve(_ => null, user: "u"));
        Assert.Contains(CyberTiplineClientOptions.PasswordVariable, none.Message);
    }
}
