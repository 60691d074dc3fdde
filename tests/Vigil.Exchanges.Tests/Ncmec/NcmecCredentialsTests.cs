using Vigil.Exchanges.Clients.Ncmec;
using Vigil.Testing;

namespace Vigil.Exchanges.Tests.Ncmec;

public class NcmecCredentialsTests
{
    private const string Secret = "synthetic-secret-7f3a";

    [Fact]
    public void ToString_names_the_user_never_the_password()
    {
        var credentials = new NcmecCredentials("esp-user", Secret);
        Assert.Contains("esp-user", credentials.ToString());
        Assert.DoesNotContain(Secret, credentials.ToString());
        Assert.DoesNotContain(Secret, new NcmecOptions().ToString());
    }

    [Fact]
    public void FromFile_reads_user_and_password_and_its_errors_never_quote_the_file()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "ncmec.json");
        File.WriteAllText(path, $"{{\"user\":\"esp-user\",\"password\":\"{Secret}\"}}");
        var credentials = NcmecCredentials.FromFile(path);
        Assert.Equal(("esp-user", Secret), (credentials.User, credentials.Password));

        File.WriteAllText(path, $"{{\"username\":\"esp-user\",\"password\":\"{Secret}\"}}");
        Assert.Equal("esp-user", NcmecCredentials.FromFile(path).User);

        File.WriteAllText(path, $"{{\"user\":\"esp-user\",\"password\":\"{Secret}\" oops");
        var broken = Assert.Throws<FormatException>(() => NcmecCredentials.FromFile(path));
        Assert.DoesNotContain(Secret, broken.ToString());

        File.WriteAllText(path, $"{{\"user\":\"esp-user\",\"pass\":\"{Secret}\"}}");
        var missing = Assert.Throws<FormatException>(() => NcmecCredentials.FromFile(path));
        Assert.Contains("\"password\"", missing.Message);
        Assert.DoesNotContain(Secret, missing.ToString());
    }

    [Fact]
    public void FromEnvironment_reads_both_variables_or_gives_null()
    {
        var variables = new Dictionary<string, string?> { [NcmecCredentials.UserVariable] = "esp-user", [NcmecCredentials.PasswordVariable] = Secret };
        var credentials = NcmecCredentials.FromEnvironment(name => variables.GetValueOrDefault(name));
        Assert.Equal(("esp-user", Secret), (credentials!.User, credentials.Password));
        variables[NcmecCredentials.PasswordVariable] = "";
        Assert.Null(NcmecCredentials.FromEnvironment(name => variables.GetValueOrDefault(name)));
    }

    [Fact]
    public void A_user_with_a_colon_or_an_empty_password_is_refused_without_echoing_it()
    {
        var e = Assert.Throws<ArgumentException>(() => new NcmecCredentials("a:b", Secret));
        Assert.DoesNotContain(Secret, e.ToString());
        Assert.Throws<ArgumentException>(() => new NcmecCredentials("esp-user", ""));
    }
}
