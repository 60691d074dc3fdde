using Microsoft.Extensions.DependencyInjection;
using Vigil.Storage;

namespace Vigil.Server;

/// <summary>Registers the store for dependency injection, whole and by concern, so that each component asks for only the concerns it uses.</summary>
public static class StoreServices
{
    /// <summary>Registers <paramref name="store"/> as <see cref="IVigilStore"/> and as each of its concern interfaces (one instance behind all).</summary>
    public static IServiceCollection AddVigilStore(this IServiceCollection services, IVigilStore store)
    {
        services.AddSingleton(store);
        services.AddSingleton<IBankStore>(store);
        services.AddSingleton<IContentStore>(store);
        services.AddSingleton<IImportStore>(store);
        services.AddSingleton<IChangeFeed>(store);
        services.AddSingleton<IAuditLog>(store);
        services.AddSingleton<IApiKeyStore>(store);
        services.AddSingleton<IPrivateMatchingStore>(store);
        services.AddSingleton(store.Cases);
        services.AddSingleton<IActionOutboxStore>(store);
        return services;
    }
}
