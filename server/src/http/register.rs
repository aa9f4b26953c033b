//! Handlers registered by endpoint: the method and path of a route come from its
//! [`Endpoint`] type in `duban-api`, never from a string here, and every registration
//! is recorded, so that the OpenAPI document (`crate::openapi`) describes exactly the
//! routes the router serves.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{MethodRouter, delete, get, patch, post, put};

use duban_api::{Endpoint, Method};

use crate::service::AppState;

/// One registered route, as the document needs it.
#[derive(Clone, Copy)]
pub struct Registered {
    pub method: Method,
    /// The endpoint's absolute path (`/api/v1/cases/{id}`).
    pub path: &'static str,
    /// Builds the route's OpenAPI operation, adding the schemas it uses.
    pub operation: fn(&mut duban_api::endpoint::Schemas) -> utoipa::openapi::path::Operation,
}

/// The routes of a feature (or of the whole API), each with its handler.
#[derive(Default)]
pub struct Routes {
    routes: Vec<(Registered, MethodRouter<AppState>)>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    /// Serves `E` with `handler`.
    pub fn at<E, H, T>(self, _endpoint: E, handler: H) -> Routes
    where
        E: Endpoint + 'static,
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add::<E>(method_router(E::METHOD, handler))
    }

    /// Serves `E` with `handler`, taking bodies of up to `limit` bytes (files) instead
    /// of the API's limit.
    pub fn at_with_body_limit<E, H, T>(self, _endpoint: E, handler: H, limit: usize) -> Routes
    where
        E: Endpoint + 'static,
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add::<E>(method_router(E::METHOD, handler).layer(DefaultBodyLimit::max(limit)))
    }

    fn add<E: Endpoint + 'static>(mut self, route: MethodRouter<AppState>) -> Routes {
        let registered = Registered {
            method: E::METHOD,
            path: E::PATH,
            operation: crate::openapi::operation::<E>,
        };
        self.routes.push((registered, route));
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.routes.extend(other.routes);
        self
    }

    /// What is registered, in order.
    pub fn registered(&self) -> impl Iterator<Item = Registered> + '_ {
        self.routes.iter().map(|(r, _)| *r)
    }

    /// The router of these routes, their paths taken relative to `base` (the prefix the
    /// router is nested under; empty for the root). Several methods on one path share
    /// one route (axum merges their method routers).
    ///
    /// # Panics
    ///
    /// When a path lies outside `base`, or one method of one path is registered twice:
    /// both are mistakes in the registration, found when the router is built at start-up
    /// (and by every test that builds it).
    pub fn into_router(self, base: &str) -> Router<AppState> {
        self.routes
            .into_iter()
            .fold(Router::new(), |router, (registered, route)| {
                let Some(path) = registered.path.strip_prefix(base) else {
                    panic!("{} lies outside {base}", registered.path);
                };
                router.route(path, route)
            })
    }
}

fn method_router<H, T>(method: Method, handler: H) -> MethodRouter<AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    match method {
        Method::Get => get(handler),
        Method::Post => post(handler),
        Method::Put => put(handler),
        Method::Patch => patch(handler),
        Method::Delete => delete(handler),
    }
}
