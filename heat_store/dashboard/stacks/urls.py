#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""heat-dashboard's Stacks URLs, its template step the store's."""

from django.urls import re_path
from heat_dashboard.content.stacks import urls as stack_urls

from heat_store.dashboard.stacks import views

SELECT = 'select_template'

urlpatterns = [
    re_path(r'^select_template$', views.SelectTemplateView.as_view(),
            name=SELECT),
    re_path(r'^select_template/resolve$', views.ResolveView.as_view(),
            name='resolve_stored_template'),
] + [p for p in stack_urls.urlpatterns if p.name != SELECT]
