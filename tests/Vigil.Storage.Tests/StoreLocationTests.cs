using Vigil.Testing;

namespace Vigil.Storage.Tests;

public class StoreLocationTests
{
    [Fact]
    public void TheOptionWinsOverTheEnvironment()
    {
        using var directory = new TempDirectory();
        string option = Path.Combine(directory.Path, "from-option", "a.db");
        string env = Path.Combine(directory.Path, "from-env", "b.db");

        string path = StoreLocation.Resolve(option, Environment(("VIGIL_DB", env)), directory.Path);

        Assert.Equal(option, path);
        Assert.True(Directory.Exists(Path.GetDirectoryName(option)));
        Assert.False(Directory.Exists(Path.GetDirectoryName(env)));
    }

    [Fact]
    public void VigilDbWinsOverTheDefault()
    {
        using var directory = new TempDirectory();
        string env = Path.Combine(directory.Path, "from-env", "b.db");

        Assert.Equal(env, StoreLocation.Resolve(null, Environment(("VIGIL_DB", env)), directory.Path));
        Assert.True(Directory.Exists(Path.GetDirectoryName(env)));
    }

    [Fact]
    public void TheDefaultIsUnderXdgDataHomeWhenSet()
    {
        using var directory = new TempDirectory();
        string dataHome = Path.Combine(directory.Path, "data");

        string path = StoreLocation.Resolve("", Environment(("XDG_DATA_HOME", dataHome), ("VIGIL_DB", "")), directory.Path);

        Assert.Equal(Path.Combine(dataHome, "vigil", "vigil.db"), path);
        Assert.True(Directory.Exists(Path.Combine(dataHome, "vigil")));
    }

    [Fact]
    public void TheDefaultIsUnderTheHomeDirectoryOtherwiseAndARelativeXdgDataHomeIsIgnored()
    {
        using var directory = new TempDirectory();
        string expected = Path.Combine(directory.Path, ".local", "share", "vigil", "vigil.db");

        Assert.Equal(expected, StoreLocation.Resolve(null, Environment(), directory.Path));
        Assert.Equal(expected, StoreLocation.Resolve(null, Environment(("XDG_DATA_HOME", "relative/data")), directory.Path));
    }

    [Fact]
    public void ARelativeOptionBecomesAFullPath()
    {
        string path = StoreLocation.Resolve("some.db", Environment(), "/nonexistent-home");
        Assert.Equal(Path.Combine(System.Environment.CurrentDirectory, "some.db"), path);
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables)
    {
        var map = variables.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }
}
